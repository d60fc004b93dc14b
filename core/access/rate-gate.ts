/**
 * Keeps calls to one chat platform under its rate limit: never more than `requestsPerSecond`
 * calls start in any one-second window, while starting them as fast as that allows.
 *
 * A sliding window log: a call may start once the call `capacity` starts back is at least
 * `windowMs` old. For a rate r >= 1 the window is one second and the capacity floor(r); for
 * r < 1 the capacity is one call per 1/r seconds (0.8/s: one per 1250 ms). A fractional rate
 * above one is rounded down (2.5/s runs at 2/s), the only way to never exceed it in a second.
 */
export interface RateGate {
  /** Runs `task` once a slot is free; the task is started synchronously when its turn comes. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Nobody starts before this moment (a 429's retry_after): every caller on the platform waits. */
  pauseUntil(timestampMs: number): void;
  pauseFor(durationMs: number): void;
  /** How many calls wait for a slot. */
  readonly waiting: number;
}

export interface RateGateOptions {
  requestsPerSecond: number;
  now?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
  /**
   * Extra spacing beyond the window. Another observer (the platform, a benchmark) timestamps a
   * call a moment after the gate did, on a clock with whole milliseconds: one millisecond keeps
   * its count under the limit too, for 0.1% of throughput at 40/s.
   */
  safetyMarginMs?: number;
}

const realSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export function rateGateShape(requestsPerSecond: number) {
  if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0)
    throw new RangeError(`requestsPerSecond must be a positive number, got ${requestsPerSecond}`);
  const capacity = Math.max(1, Math.floor(requestsPerSecond));
  return { capacity, windowMs: Math.max(1000, (capacity * 1000) / requestsPerSecond) };
}

export function createRateGate(options: RateGateOptions): RateGate {
  const { capacity, windowMs } = rateGateShape(options.requestsPerSecond);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const spacing = windowMs + (options.safetyMarginMs ?? 1);
  // Ring of the last `capacity` start times; `oldest` is the slot the next start overwrites.
  const starts: number[] = [];
  let oldest = 0;
  const queue: Array<() => void> = [];
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let pumping = false;
  const pauseUntil = (timestampMs: number) => {
    pausedUntil = Math.max(pausedUntil, timestampMs);
  };

  /** How long the head of the queue must still wait; 0 means it may start now. */
  const waitFor = (time: number) => {
    if (time < pausedUntil) return pausedUntil - time;
    if (starts.length < capacity) return 0;
    return Math.max(0, starts[oldest]! + spacing - time);
  };

  const record = (time: number) => {
    if (starts.length < capacity) starts.push(time);
    else {
      starts[oldest] = time;
      oldest = (oldest + 1) % capacity;
    }
  };

  async function pump() {
    pumping = true;
    try {
      while (queue.length > 0) {
        const time = now();
        const wait = waitFor(time);
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        record(time);
        queue.shift()!();
      }
    } finally {
      pumping = false;
    }
  }

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          try {
            task().then(resolve, reject);
          } catch (error) {
            reject(error);
          }
        });
        if (!pumping) void pump();
      });
    },
    pauseUntil,
    pauseFor: (durationMs) => pauseUntil(now() + durationMs),
    get waiting() {
      return queue.length;
    },
  };
}
