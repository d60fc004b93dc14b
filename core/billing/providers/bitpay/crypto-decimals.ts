import type { BitpayInvoice } from './bitpay-invoice.js';

/**
 * How many decimals each BitPay currency's smallest unit has (BitPay reports amounts as
 * integers in that unit: 347100 BTC is 0.00347100 BTC). For a currency missing here, the
 * invoice's own paymentTotals against paymentDisplayTotals tell it when they agree exactly.
 */
const knownDecimals: Record<string, number> = {
  BTC: 8,
  BCH: 8,
  LTC: 8,
  DOGE: 8,
  WBTC: 8,
  ETH: 18,
  MATIC: 18,
  PAX: 18,
  BUSD: 18,
  DAI: 18,
  SHIB: 18,
  APE: 18,
  GUSD: 2,
  USDC: 6,
  USDC_m: 6,
  USDT: 6,
  PYUSD: 6,
  EUROC: 6,
  XRP: 6,
};

export function cryptoDecimals(invoice: BitpayInvoice, cryptoCode: string): number | null {
  const known = knownDecimals[cryptoCode];
  if (known !== undefined) return known;
  const total = invoice.paymentTotals?.[cryptoCode];
  const display = invoice.paymentDisplayTotals?.[cryptoCode];
  if (total === undefined || display === undefined) return null;
  const fraction = /^\d+\.(\d+)$/.exec(display)?.[1];
  if (fraction === undefined) return null;
  const shown = BigInt(display.replace('.', ''));
  // The display rounds; only a display that is the total exactly, at some scale, is trusted.
  for (let decimals = fraction.length; decimals <= 30; decimals += 1) {
    if (shown * 10n ** BigInt(decimals - fraction.length) === BigInt(total)) return decimals;
  }
  return null;
}
