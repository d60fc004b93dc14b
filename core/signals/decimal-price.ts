/** A positive decimal price as typed by a moderator: digits, an optional fraction, no sign or exponent. */
export const decimalPricePattern = /^\d{1,18}(?:\.\d{1,12})?$/;

/** "064.50" and "64.5" are the same price; the canonical form keeps the hash independent of typing. */
export function canonicalPrice(price: string): string {
  const [whole = '0', fraction = ''] = price.split('.');
  const trimmedWhole = whole.replace(/^0+(?=\d)/, '');
  const trimmedFraction = fraction.replace(/0+$/, '');
  return trimmedFraction ? `${trimmedWhole}.${trimmedFraction}` : trimmedWhole;
}

export const isPositivePrice = (price: string) => decimalPricePattern.test(price) && /[1-9]/.test(price);

/**
 * Compares two decimal strings exactly (no floating point: 0.1 + 0.2 style errors would let a
 * stop slip to the wrong side of an entry). Negative, zero or positive like a sort comparator.
 */
export function comparePrices(left: string, right: string): number {
  const [leftWhole = '0', leftFraction = ''] = canonicalPrice(left).split('.');
  const [rightWhole = '0', rightFraction = ''] = canonicalPrice(right).split('.');
  if (leftWhole.length !== rightWhole.length) return leftWhole.length - rightWhole.length;
  if (leftWhole !== rightWhole) return leftWhole < rightWhole ? -1 : 1;
  const width = Math.max(leftFraction.length, rightFraction.length);
  const leftPadded = leftFraction.padEnd(width, '0');
  const rightPadded = rightFraction.padEnd(width, '0');
  if (leftPadded === rightPadded) return 0;
  return leftPadded < rightPadded ? -1 : 1;
}
