/**
 * Exact decimal arithmetic over the number strings BitPay sends, as scaled bigints. Money
 * never passes through floating point: a price of 76.7 is 7670 cents on every machine.
 */
const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** `value × 10^decimals` as a bigint, when it is a whole number at that scale; null otherwise. */
export function scaleExact(value: string, decimals: number): bigint | null {
  const parsed = parseDecimal(value);
  if (parsed === null) return null;
  const shift = decimals - parsed.scale;
  if (shift >= 0) return parsed.digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return parsed.digits % divisor === 0n ? parsed.digits / divisor : null;
}

/** The decimal as digits over a power of ten: "1.5e-7" is 15 / 10^8. */
export function parseDecimal(value: string): { digits: bigint; scale: number } | null {
  const match = decimalPattern.exec(value.trim());
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  let digits = BigInt(`${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === '-' ? -digits : digits, scale };
}

/** The shortest plain decimal string (no exponent) for digits / 10^scale. */
export function formatScaled(digits: bigint, scale: number): string {
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const whole = text.slice(0, text.length - scale);
  const fraction = text.slice(text.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A decimal string rewritten without an exponent ("1.5e-7" -> "0.00000015"); null if not a decimal. */
export function plainDecimal(value: string): string | null {
  const parsed = parseDecimal(value);
  return parsed === null ? null : formatScaled(parsed.digits, parsed.scale);
}

/** numerator / denominator rounded down: a fraction of a cent nobody paid is never credited. */
export function divideDown(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const quotient = numerator / denominator;
  return numerator < 0n && quotient * denominator !== numerator ? quotient - 1n : quotient;
}
