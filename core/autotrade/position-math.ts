import { divideRounded, minorUnitDigits, priceDecimals, quantityDecimals } from './decimal.js';

export type TradeSide = 'long' | 'short';

const productScale = 10n ** BigInt(priceDecimals + quantityDecimals);

/**
 * How much of the instrument a fixed notional buys at the entry, rounded down to the
 * quantity precision so the position never costs more than the notional.
 */
export function quantityForNotional(notionalMinor: number, currency: string, entryScaled: bigint): bigint {
  if (entryScaled <= 0n) throw new RangeError('the entry price must be positive');
  const minorScale = 10n ** BigInt(minorUnitDigits(currency));
  return (BigInt(notionalMinor) * productScale) / (minorScale * entryScaled);
}

/**
 * What closing `quantity` at `exit` realises against `entry`, in the currency's minor units,
 * rounded half away from zero once per fill. A short gains when the price falls.
 */
export function pnlMinor(
  side: TradeSide,
  entryScaled: bigint,
  exitScaled: bigint,
  quantityScaled: bigint,
  currency: string,
): number {
  const direction = side === 'long' ? 1n : -1n;
  const minorScale = 10n ** BigInt(minorUnitDigits(currency));
  const raw = (exitScaled - entryScaled) * quantityScaled * direction * minorScale;
  return Number(divideRounded(raw, productScale));
}

/**
 * The quantity each target closes: equal parts, the last target taking what rounding left,
 * so the position always closes exactly.
 */
export function targetParts(quantityScaled: bigint, targetCount: number): bigint[] {
  if (targetCount === 0) return [];
  const part = quantityScaled / BigInt(targetCount);
  const parts = Array.from({ length: targetCount - 1 }, () => part);
  parts.push(quantityScaled - part * BigInt(targetCount - 1));
  return parts;
}
