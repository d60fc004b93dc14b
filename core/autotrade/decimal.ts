import { badRequest } from '../errors.js';

/**
 * Exact decimals as scaled bigints: "64250.5" at 10 decimals is 642505000000000n. Prices and
 * quantities never pass through floating point, so a PnL is the same on every run.
 */
export const priceDecimals = 10;
export const quantityDecimals = 8;

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

export function toScaled(value: string, decimals: number): bigint {
  const match = decimalPattern.exec(value.trim());
  if (!match) throw badRequest('invalid_decimal', `"${value}" is not a decimal number.`);
  const [, sign, whole = '0', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals)
    throw badRequest('decimal_too_precise', `"${value}" has more than ${decimals} decimal places.`);
  const scaled = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, '0') || '0');
  return sign === '-' ? -scaled : scaled;
}

/** The shortest exact string: 642505000000000n at 10 decimals is "64250.5". */
export function fromScaled(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** numerator / denominator rounded half away from zero (a cent is never lost to truncation's bias). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const absoluteNumerator = numerator < 0n ? -numerator : numerator;
  const absoluteDenominator = denominator < 0n ? -denominator : denominator;
  const quotient = (absoluteNumerator + absoluteDenominator / 2n) / absoluteDenominator;
  return negative ? -quotient : quotient;
}

/** Digits after the decimal point of a currency's minor unit: usd 2, jpy 0. */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}
