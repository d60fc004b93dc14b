import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../testing/fake-clock.js';
import { createMemorySlidingWindow } from './memory-sliding-window.js';

describe('the in-process sliding window', () => {
  for (const limit of [10, 300, 2000]) {
    it(`lets exactly ${limit} requests through per minute and frees a slot exactly when the oldest leaves`, async () => {
      const clock = createFakeClock();
      const limiter = createMemorySlidingWindow({ clock });
      const started = clock.now().getTime();
      expect((await limiter.consume('k', limit, 60_000)).allowed).toBe(true);
      clock.advance(1000);
      for (let index = 2; index <= limit; index += 1) {
        const decision = await limiter.consume('k', limit, 60_000);
        expect(decision.allowed).toBe(true);
        expect(decision.remaining).toBe(limit - index);
      }
      const refused = await limiter.consume('k', limit, 60_000);
      expect(refused).toMatchObject({
        allowed: false,
        remaining: 0,
        resetAtMs: started + 60_000,
        retryAfterMs: 59_000,
      });
      clock.set(new Date(started + 59_999));
      expect((await limiter.consume('k', limit, 60_000)).allowed).toBe(false);
      clock.set(new Date(started + 60_000));
      expect((await limiter.consume('k', limit, 60_000)).allowed).toBe(true);
      expect((await limiter.consume('k', limit, 60_000)).allowed).toBe(false);
    });
  }

  it('counts each key on its own', async () => {
    const limiter = createMemorySlidingWindow({ clock: createFakeClock() });
    expect((await limiter.consume('a', 1, 60_000)).allowed).toBe(true);
    expect((await limiter.consume('a', 1, 60_000)).allowed).toBe(false);
    expect((await limiter.consume('b', 1, 60_000)).allowed).toBe(true);
  });
});
