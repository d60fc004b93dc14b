import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../testing/fake-clock.js';
import { priceDecimals, toScaled } from './decimal.js';
import { createSeededPriceFeed } from './seeded-price-feed.js';

const start = new Date('2026-12-01T00:00:00Z');

async function pathOf(seed: string, minutes: number) {
  const clock = createFakeClock(start);
  const feed = createSeededPriceFeed({ clock, seed, tickIntervalMs: 10_000, maxStepBasisPoints: 25 });
  feed.track('BTCUSD', '64250.5', start);
  clock.advance(minutes * 60_000);
  return feed.ticksSince('BTCUSD', new Date(0));
}

describe('the seeded simulated price feed', () => {
  it('the same seed and start give the same path on every run', async () => {
    const first = await pathOf('demo', 10);
    expect(first).toHaveLength(61);
    expect(first[0]).toMatchObject({ price: '64250.5', at: start });
    expect(await pathOf('demo', 10)).toEqual(first);
    expect((await pathOf('other', 10)).map((tick) => tick.price)).not.toEqual(first.map((tick) => tick.price));
  });

  it('each tick moves at most the configured step, and only ticks up to now exist', async () => {
    const ticks = await pathOf('demo', 30);
    for (let index = 1; index < ticks.length; index += 1) {
      const previous = toScaled(ticks[index - 1]!.price, priceDecimals);
      const move = toScaled(ticks[index]!.price, priceDecimals) - previous;
      expect((move < 0n ? -move : move) * 10_000n <= previous * 25n + 10_000n).toBe(true);
    }
    expect(ticks.at(-1)!.at.getTime()).toBe(start.getTime() + 30 * 60_000);
  });

  it('an instrument nobody tracks has no price', async () => {
    const feed = createSeededPriceFeed({
      clock: createFakeClock(),
      seed: 'x',
      tickIntervalMs: 1000,
      maxStepBasisPoints: 5,
    });
    expect(await feed.latest('NOPE')).toBeUndefined();
  });
});
