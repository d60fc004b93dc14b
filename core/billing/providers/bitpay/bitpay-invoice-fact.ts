import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { CryptoInvoiceFact, CryptoPaymentFact } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import type { BitpayInvoice } from './bitpay-invoice.js';
import { cryptoDecimals } from './crypto-decimals.js';
import { divideDown, formatScaled, parseDecimal, plainDecimal } from './exact-decimal.js';

const stateOfStatus: Record<BitpayInvoice['status'], CryptoInvoiceFact['state']> = {
  new: 'open',
  // Paid in full but not yet confirmed: never grants access (BitPay's own advice).
  paid: 'processing',
  confirmed: 'settled',
  complete: 'settled',
  expired: 'expired',
  invalid: 'invalid',
  declined: 'invalid',
  refunded: 'refunded',
};

/** Confirmations BitPay waits for at each transaction speed before it calls an invoice confirmed. */
const confirmationsForSpeed: Record<string, number> = { high: 0, medium: 1, low: 6 };

/** Integer minor units for a fiat currency (usd 2, jpy 0), from the same source as formatMoney. */
export function fiatDecimals(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** A decimal amount in minor units, rounded down ("76.7" usd -> 7670). */
export function toMinorUnits(value: string, decimals: number): bigint {
  const parsed = parseDecimal(value);
  if (parsed === null) throw new RangeError(`"${value}" is not a decimal`);
  return divideDown(parsed.digits * 10n ** BigInt(decimals), 10n ** BigInt(parsed.scale));
}

const ourPosDataSchema = z.object({ [metadataKeys.userId]: z.string().min(1).max(100) });

/**
 * Our ids: the user from posData, which we write as JSON at checkout, and the checkout from the
 * orderId we set. An invoice whose posData is not ours (another shop on the account) has none.
 */
function ourIds(invoice: BitpayInvoice): { userId: string | null; checkoutId: string | null } {
  if (!invoice.posData) return { userId: null, checkoutId: null };
  try {
    const parsed = ourPosDataSchema.safeParse(JSON.parse(invoice.posData));
    if (!parsed.success) return { userId: null, checkoutId: null };
    return { userId: parsed.data[metadataKeys.userId]!, checkoutId: invoice.orderId ?? null };
  } catch {
    return { userId: null, checkoutId: null };
  }
}

const unreadable = (invoice: BitpayInvoice, reason: string) =>
  new AppError('provider_response_invalid', `BitPay invoice ${invoice.id} cannot be read: ${reason}`, {
    status: 502,
    context: { provider: 'bitpay', invoiceId: invoice.id, reason },
  });

/**
 * What BitPay returned, in our terms, with exact amounts: crypto amounts as decimal strings,
 * fiat in integer minor units (rounded down, so a fraction of a cent nobody paid is never
 * credited). A payment's fiat value is its share of the invoice price, measured against what
 * BitPay asked for in that currency (paymentTotals, network fee included): paying exactly the
 * total is exactly the price, a partial or over-payment is its exact proportion.
 */
export function bitpayInvoiceFact(invoice: BitpayInvoice): CryptoInvoiceFact {
  const currency = invoice.currency.toLowerCase();
  const minorDigits = fiatDecimals(currency);
  const priceMinor = toMinorUnits(invoice.price, minorDigits);
  const payments = paymentsOf(invoice, priceMinor, minorDigits);
  const sum = (status: CryptoPaymentFact['status']) =>
    payments.filter((payment) => payment.status === status).reduce((total, payment) => total + payment.fiatMinor, 0);
  return {
    provider: 'bitpay',
    providerInvoiceId: invoice.id,
    ...ourIds(invoice),
    state: stateOfStatus[invoice.status],
    priceMinor: safeNumber(invoice, priceMinor),
    currency,
    settledMinor: sum('settled'),
    pendingMinor: sum('pending'),
    paidLate: invoice.exceptionStatus === 'paidLate',
    // BitPay has no "mark settled" a merchant can do by hand; its resend (1012) changes nothing.
    manuallyMarked: false,
    payments,
    createdAt: new Date(Number(invoice.invoiceTime)),
  };
}

function paymentsOf(invoice: BitpayInvoice, priceMinor: bigint, minorDigits: number): CryptoPaymentFact[] {
  const transactions = invoice.transactions ?? [];
  const amountPaid = BigInt(invoice.amountPaid ?? '0');
  if (transactions.length === 0 && amountPaid === 0n) return [];
  const cryptoCode = invoice.transactionCurrency ?? invoice.buyerProvidedInfo?.selectedTransactionCurrency ?? null;
  if (!cryptoCode) throw unreadable(invoice, 'payments without a transaction currency');
  const decimals = cryptoDecimals(invoice, cryptoCode);
  if (decimals === null) throw unreadable(invoice, `unknown precision of ${cryptoCode}`);
  const required = Math.max(1, confirmationsForSpeed[invoice.transactionSpeed ?? 'medium'] ?? 1);
  const paymentOf = (
    providerPaymentId: string,
    amount: bigint,
    confirmations: number | null,
    transactionRate: string | undefined,
  ): CryptoPaymentFact => {
    const rate = rateOf(invoice, cryptoCode, decimals, transactionRate);
    return {
      providerPaymentId,
      cryptoCode,
      cryptoAmount: formatScaled(amount, decimals),
      rate,
      fiatMinor: safeNumber(invoice, fiatValue(invoice, cryptoCode, amount, decimals, rate, priceMinor, minorDigits)),
      status: paymentStatus(invoice.status, confirmations, required),
    };
  };
  // Notifications and some answers carry only amountPaid: the money is still recorded, as one payment.
  if (transactions.length === 0) return [paymentOf(`${invoice.id}:paid`, amountPaid, null, undefined)];
  return transactions.map((transaction) =>
    paymentOf(
      transaction.txid,
      BigInt(transaction.amount),
      transaction.confirmations == null ? null : Number(transaction.confirmations),
      transaction.exRates?.[invoice.currency.toUpperCase()],
    ),
  );
}

function paymentStatus(
  status: BitpayInvoice['status'],
  confirmations: number | null,
  required: number,
): CryptoPaymentFact['status'] {
  if (status === 'invalid' || status === 'declined') return 'invalid';
  if (status === 'confirmed' || status === 'complete' || status === 'refunded') return 'settled';
  // `paid` waits for BitPay's own confirmation; a partial or late payment on a new or expired
  // invoice counts once the chain has confirmed it as BitPay would.
  if (status === 'paid' || confirmations === null) return 'pending';
  return confirmations >= required ? 'settled' : 'pending';
}

/** Fiat per one coin: BitPay's invoice rate, else the transaction's, else price over the total asked. */
function rateOf(invoice: BitpayInvoice, cryptoCode: string, decimals: number, transactionRate: string | undefined) {
  const fiat = invoice.currency.toUpperCase();
  const quoted = invoice.exchangeRates?.[cryptoCode]?.[fiat] ?? transactionRate;
  if (quoted !== undefined) return plainDecimal(quoted) ?? quoted;
  const total = invoice.paymentTotals?.[cryptoCode];
  const price = parseDecimal(invoice.price);
  if (total === undefined || BigInt(total) === 0n || price === null)
    throw unreadable(invoice, `no rate for ${cryptoCode}`);
  const rateDecimals = 8;
  const digits = divideDown(price.digits * 10n ** BigInt(decimals + rateDecimals), BigInt(total));
  return formatScaled(digits, price.scale + rateDecimals);
}

function fiatValue(
  invoice: BitpayInvoice,
  cryptoCode: string,
  amount: bigint,
  decimals: number,
  rate: string,
  priceMinor: bigint,
  minorDigits: number,
): bigint {
  const total = invoice.paymentTotals?.[cryptoCode];
  if (total !== undefined && BigInt(total) > 0n) return divideDown(priceMinor * amount, BigInt(total));
  const parsedRate = parseDecimal(rate);
  if (parsedRate === null) throw unreadable(invoice, `rate ${rate} is not a decimal`);
  return divideDown(
    amount * parsedRate.digits * 10n ** BigInt(minorDigits),
    10n ** BigInt(decimals + parsedRate.scale),
  );
}

function safeNumber(invoice: BitpayInvoice, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw unreadable(invoice, 'a fiat amount beyond exact integers');
  return Number(value);
}
