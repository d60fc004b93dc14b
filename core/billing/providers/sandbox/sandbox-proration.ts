/**
 * The price difference for the unused part of a period, in integer minor units: the
 * difference times the seconds left, divided by the period's seconds, rounded once (half away from zero).
 * Integer arithmetic keeps it exact; a fraction in floating point would drift by a unit.
 */
export function sandboxProrationMinor(
  differenceMinor: number,
  periodStartSeconds: number,
  periodEndSeconds: number,
  nowSeconds: number,
): number {
  const periodSeconds = periodEndSeconds - periodStartSeconds;
  if (periodSeconds <= 0) return 0;
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, periodEndSeconds - nowSeconds));
  const numerator = BigInt(differenceMinor) * BigInt(remainingSeconds);
  const denominator = BigInt(periodSeconds);
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  // BigInt division truncates toward zero; round half away from zero like Stripe.
  const roundsAway = 2n * (remainder < 0n ? -remainder : remainder) >= denominator;
  if (!roundsAway) return Number(quotient);
  return Number(numerator < 0n ? quotient - 1n : quotient + 1n);
}
