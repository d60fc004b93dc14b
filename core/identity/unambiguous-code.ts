import { randomInt } from 'node:crypto';

/**
 * Letters and digits nobody misreads or mistypes when copying from one app to another:
 * no 0/O, no 1/I/L. 31 symbols, so each one carries about 4.95 bits.
 */
export const unambiguousAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** `length` symbols from a uniform CSPRNG (randomInt has no modulo bias). */
export function randomUnambiguous(length: number): string {
  let value = '';
  for (let index = 0; index < length; index += 1) value += unambiguousAlphabet[randomInt(unambiguousAlphabet.length)];
  return value;
}

/**
 * What the member typed, reduced to its symbols: upper case, spaces and dashes dropped.
 * Undefined when anything else is left, so a malformed code never reaches the database.
 */
export function normalizeUnambiguous(input: string, length: number): string | undefined {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== length) return undefined;
  for (const symbol of compact) if (!unambiguousAlphabet.includes(symbol)) return undefined;
  return compact;
}
