/** The answer of one counted request against a sliding window. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the window after this one. */
  remaining: number;
  /** When the oldest counted request leaves the window (a slot frees up), epoch milliseconds. */
  resetAtMs: number;
  /** 0 when allowed; otherwise how long until a request would pass. */
  retryAfterMs: number;
}

/**
 * An exact sliding log: a request at time t counts while now < t + window, so the
 * (limit + 1)th request inside any window is refused, and it passes again exactly when the
 * oldest counted request leaves. Check and count happen in one step (never read then write).
 */
export interface SlidingWindowLimiter {
  consume(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/** The decision from a log of accepted timestamps (ascending), after this request was or was not added. */
export function decisionFrom(input: {
  allowed: boolean;
  limit: number;
  count: number;
  oldestMs: number | undefined;
  nowMs: number;
  windowMs: number;
}): RateDecision {
  const resetAtMs = (input.oldestMs ?? input.nowMs) + input.windowMs;
  return {
    allowed: input.allowed,
    limit: input.limit,
    remaining: Math.max(0, input.limit - input.count),
    resetAtMs,
    retryAfterMs: input.allowed ? 0 : Math.max(0, resetAtMs - input.nowMs),
  };
}
