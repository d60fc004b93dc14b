/**
 * When a failed delivery is tried again: 30 s doubling (with ±20 % jitter so a recovering
 * receiver is not hit by every retry at once), capped, until the retry window (24 h) after
 * the first attempt. The last retry lands exactly at the window's end, so a receiver that
 * is down for a day gets one final try at the 24 h mark before the delivery gives up.
 */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  windowMs: number;
}

export function nextAttemptAt(
  attempts: number,
  windowStartedAt: Date,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Date | null {
  const windowEnd = windowStartedAt.getTime() + policy.windowMs;
  if (now.getTime() >= windowEnd) return null;
  const exponential = Math.min(policy.baseMs * 2 ** Math.max(attempts - 1, 0), policy.maxDelayMs);
  const delay = Math.round(exponential * (0.8 + random() * 0.4));
  return new Date(Math.min(now.getTime() + delay, windowEnd));
}
