import { performance } from 'node:perf_hooks';
import { rateGateShape } from './rate-gate.js';

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Paces the HTTP requests of one platform client as the platform counts them: on arrival.
 * Core's rate gate counts strategy calls when they start, but one call can be several requests
 * (a Telegram revoke is ban + unban), and an SDK may hold a request in its own queue before it
 * leaves. So each of the `capacity` slots is free again one window after its request was
 * *answered*: the request it lets go next arrives at least a window after the previous one did,
 * whatever the latency. A 429 pauses every slot for its retry_after.
 */
export interface RequestPacer {
  /** Waits for a slot, runs `send` in it, and frees the slot one window after `send` settles. */
  paced<T>(send: () => Promise<T>): Promise<T>;
  /** Nobody sends for this long (a 429's retry_after). */
  pauseFor(durationMs: number): void;
}

export function createRequestPacer(requestsPerSecond: number): RequestPacer {
  const { capacity, windowMs } = rateGateShape(requestsPerSecond);
  // When each slot may send again; Infinity while its request is in flight.
  const freeAt = new Array<number>(capacity).fill(Number.NEGATIVE_INFINITY);
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let announceRelease = () => {};
  let released = new Promise<void>((resolve) => {
    announceRelease = resolve;
  });
  // Requests take slots one at a time, in the order they came.
  let queue: Promise<unknown> = Promise.resolve();

  async function acquire(): Promise<number> {
    for (;;) {
      let slot = 0;
      for (let index = 1; index < capacity; index += 1) if (freeAt[index]! < freeAt[slot]!) slot = index;
      const readyAt = Math.max(freeAt[slot]!, pausedUntil);
      if (readyAt === Number.POSITIVE_INFINITY) {
        await released;
        continue;
      }
      const wait = readyAt - performance.now();
      if (wait > 0) {
        await sleep(Math.ceil(wait));
        continue;
      }
      freeAt[slot] = Number.POSITIVE_INFINITY;
      return slot;
    }
  }

  function release(slot: number) {
    freeAt[slot] = performance.now() + windowMs + 1;
    const announce = announceRelease;
    released = new Promise<void>((resolve) => {
      announceRelease = resolve;
    });
    announce();
  }

  return {
    async paced(send) {
      const turn = queue.then(acquire);
      queue = turn.catch(() => undefined);
      const slot = await turn;
      try {
        return await send();
      } finally {
        release(slot);
      }
    },
    pauseFor(durationMs) {
      pausedUntil = Math.max(pausedUntil, performance.now() + durationMs);
    },
  };
}
