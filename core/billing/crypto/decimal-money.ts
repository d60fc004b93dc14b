import { AppError } from '../../errors.js';

/**
 * Exact decimal arithmetic for what crypto processors send as strings ("0.00031847" BTC at
 * "62800.25" USD): parsed into BigInt scaled integers, never floats, so an amount is counted
 * to the last unit of the currency, however many digits it has.
 */

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;
const minorDigitsCache = new Map<string, number>();

/** 2 for USD and EUR, 0 for JPY: the currency's own precision. */
export function minorDigitsOf(currency: string): number {
  const code = currency.toUpperCase();
  let digits = minorDigitsCache.get(code);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ??
      2;
    minorDigitsCache.set(code, digits);
  }
  return digits;
}

interface Scaled {
  units: bigint;
  scale: number;
}

function parseDecimal(value: string): Scaled {
  const match = decimalPattern.exec(value.trim());
  if (!match)
    throw new AppError('provider_response_invalid', `"${value.slice(0, 40)}" is not a decimal amount`, {
      status: 502,
    });
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign ? -units : units, scale: fraction.length };
}

/** Divides, rounding half away from zero: money is rounded once, at the end. */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

const toSafeNumber = (value: bigint): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw new AppError('provider_response_invalid', 'An amount is too large to hold in minor units', { status: 502 });
  return Number(value);
};

/** "20.00" USD -> 2000; more digits than the currency has are rounded half up. */
export function decimalToMinor(value: string, currency: string): number {
  const { units, scale } = parseDecimal(value);
  const digits = minorDigitsOf(currency);
  if (scale <= digits) return toSafeNumber(units * 10n ** BigInt(digits - scale));
  return toSafeNumber(divideRounded(units, 10n ** BigInt(scale - digits)));
}

/** 2000 USD -> "20.00": the form processors take amounts in. */
export function minorToDecimal(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError('minor units must be a safe integer');
  const digits = minorDigitsOf(currency);
  const negative = amountMinor < 0;
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** The fiat value of a crypto amount at a rate (fiat per unit), in fiat minor units, rounded once. */
export function cryptoToFiatMinor(cryptoAmount: string, rate: string, currency: string): number {
  const amount = parseDecimal(cryptoAmount);
  const price = parseDecimal(rate);
  const digits = minorDigitsOf(currency);
  // amount × rate has amount.scale + price.scale fraction digits; keep `digits` of them.
  const product = amount.units * price.units;
  const scale = amount.scale + price.scale;
  if (scale <= digits) return toSafeNumber(product * 10n ** BigInt(digits - scale));
  return toSafeNumber(divideRounded(product, 10n ** BigInt(scale - digits)));
}
