import { performance } from 'node:perf_hooks';
import type { Transformer } from 'grammy';
import { rateGateShape } from '../../core/access/rate-gate.js';

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Keeps the HTTP requests of the access client under the limit as Telegram counts them: on
 * arrival. Core's gate counts strategy calls when they start, but a revoke is two requests (ban,
 * unban) and a grant two (unban if banned, invite link), and a request can arrive late (a new
 * connection) while the next one arrives early. So each of the `capacity` slots is free again
 * one window after its request was *answered*: the request it lets go next arrives at least a
 * window after the previous one did, whatever the latency. A 429 pauses every slot for its
 * retry_after before the error travels up.
 */
export function createTelegramRequestGate(requestsPerSecond: number): Transformer {
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

  return async (previous, method, payload, signal) => {
    const turn = queue.then(acquire);
    queue = turn.catch(() => undefined);
    const slot = await turn;
    try {
      const response = await previous(method, payload, signal);
      if (!response.ok && response.error_code === 429)
        pausedUntil = Math.max(pausedUntil, performance.now() + (response.parameters?.retry_after ?? 1) * 1000);
      return response;
    } finally {
      release(slot);
    }
  };
}
