import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { PriceFeed, PriceTick } from '../ports/price-feed.js';
import { divideRounded, fromScaled, priceDecimals, toScaled } from './decimal.js';

/** xorshift32: tiny, seeded, the same sequence on every machine. */
function randomSequence(seed: string) {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * The embedded-mode feed: a seeded random walk per instrument, starting at the first
 * reference price it is asked to track, one tick every `tickIntervalMs`, each step at most
 * `maxStepBasisPoints` up or down. The same seed, instrument and start give the same path,
 * so a demo account's PnL can be replayed. A process restart re-anchors on the oldest
 * position still running; a real feed has no such limit.
 */
export function createSeededPriceFeed(deps: {
  clock: Clock;
  seed: string;
  tickIntervalMs: number;
  maxStepBasisPoints: number;
}): PriceFeed {
  const anchors = new Map<string, { reference: bigint; since: number }>();

  function pathUntil(instrument: string, until: number): PriceTick[] {
    const anchor = anchors.get(instrument);
    if (!anchor) return [];
    const next = randomSequence(`${deps.seed}:${instrument}:${anchor.since}`);
    const range = BigInt(deps.maxStepBasisPoints * 2 + 1);
    const ticks: PriceTick[] = [];
    let price = anchor.reference;
    for (let at = anchor.since; at <= until; at += deps.tickIntervalMs) {
      if (at > anchor.since) {
        const stepBasisPoints = (BigInt(next()) % range) - BigInt(deps.maxStepBasisPoints);
        price += divideRounded(price * stepBasisPoints, 10_000n);
      }
      ticks.push({ instrument, price: fromScaled(price, priceDecimals), at: new Date(at) });
    }
    return ticks;
  }

  return {
    async latest(instrument) {
      return pathUntil(instrument, deps.clock.now().getTime()).at(-1);
    },
    async ticksSince(instrument, after) {
      return pathUntil(instrument, deps.clock.now().getTime()).filter((tick) => tick.at > after);
    },
    track(instrument, referencePrice, since) {
      const known = anchors.get(instrument);
      if (known && known.since <= since.getTime()) return;
      anchors.set(instrument, { reference: toScaled(referencePrice, priceDecimals), since: since.getTime() });
    },
  };
}
