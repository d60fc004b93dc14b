import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createFakeClock } from '../testing/fake-clock.js';
import { createRedisSlidingWindow } from './redis-sliding-window.js';

const redisUrl = process.env.TEST_REDIS_URL;
const logger = createLogger({ level: 'silent' });
const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const limiter of opened.splice(0)) await limiter.close();
});

function limiterAt(url: string, keyPrefix: string, clock = createFakeClock()) {
  const limiter = createRedisSlidingWindow({ url, keyPrefix, clock, logger });
  opened.push(limiter);
  return { limiter, clock };
}

describe('the Redis sliding window', () => {
  it('falls back to a per-process window when Redis is unreachable: still limited, never unlimited', async () => {
    // Port 1 refuses connections: every command fails at once (no offline queue).
    const { limiter } = limiterAt('redis://127.0.0.1:1', 'down:');
    expect(await limiter.ready(200)).toBe(false);
    for (let index = 0; index < 10; index += 1) expect((await limiter.consume('key:a', 10, 60_000)).allowed).toBe(true);
    const refused = await limiter.consume('key:a', 10, 60_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(60_000);
  });

  it.skipIf(!redisUrl)(
    'is exact at the boundary in Redis, and two processes with one prefix share one window (needs TEST_REDIS_URL)',
    async () => {
      const prefix = `test:${randomBytes(5).toString('hex')}:ratelimit:`;
      const clock = createFakeClock();
      const first = limiterAt(redisUrl!, prefix, clock).limiter;
      const second = limiterAt(redisUrl!, prefix, clock).limiter;
      expect(await first.ready(2000)).toBe(true);
      expect(await second.ready(2000)).toBe(true);
      const started = clock.now().getTime();
      expect((await first.consume('key:k', 10, 60_000)).allowed).toBe(true);
      clock.advance(1000);
      for (let index = 2; index <= 10; index += 1) {
        const limiter = index % 2 === 0 ? second : first;
        expect((await limiter.consume('key:k', 10, 60_000)).allowed).toBe(true);
      }
      expect(await second.consume('key:k', 10, 60_000)).toMatchObject({ allowed: false, retryAfterMs: 59_000 });
      expect((await first.consume('key:k', 10, 60_000)).allowed).toBe(false);
      clock.set(new Date(started + 59_999));
      expect((await first.consume('key:k', 10, 60_000)).allowed).toBe(false);
      clock.set(new Date(started + 60_000));
      expect((await second.consume('key:k', 10, 60_000)).allowed).toBe(true);
      expect((await first.consume('key:k', 10, 60_000)).allowed).toBe(false);
    },
  );
});
