import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { trackRedisAvailability } from '../adapters/redis-availability.js';
import type { Clock } from '../ports/clock.js';
import { createMemorySlidingWindow } from './memory-sliding-window.js';
import { decisionFrom, type SlidingWindowLimiter } from './rate-decision.js';

/**
 * One atomic step in Redis: drop what left the window, count, add when under the limit.
 * Timestamps come from the app clock (ARGV), not Redis TIME, so every process and every test
 * agrees on "now"; members carry a unique suffix so two requests in the same millisecond both count.
 */
const slidingWindowScript = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', key, window)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local oldestScore = -1
if oldest[2] then oldestScore = tonumber(oldest[2]) end
return {allowed, count, oldestScore}
`;

interface SlidingWindowRedis extends Redis {
  slidingWindow(key: string, now: number, windowMs: number, limit: number, member: string): Promise<number[]>;
}

/** How long a request waits for Redis before this process decides alone. */
const commandTimeoutMs = 250;

/**
 * The window shared by every API process. When Redis cannot answer (down, unreachable,
 * slow), each process falls back to its own in-memory window: limits then hold per process
 * (looser by the number of processes, never unlimited) until Redis is back.
 */
export function createRedisSlidingWindow(options: {
  url: string;
  keyPrefix: string;
  clock: Clock;
  logger: Logger;
}): SlidingWindowLimiter & { ready(timeoutMs: number): Promise<boolean> } {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // Fail fast instead of queueing while disconnected: the fallback answers at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    // Under load many requests check at once: one write per tick carries all their scripts.
    enableAutoPipelining: true,
    // Back within a second of Redis, like the cache and the queue.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  }) as SlidingWindowRedis;
  client.defineCommand('slidingWindow', { numberOfKeys: 1, lua: slidingWindowScript });
  const fallback = createMemorySlidingWindow({ clock: options.clock });
  const processTag = randomBytes(4).toString('hex');
  let sequence = 0;
  // Logs once per outage; after a timeout Redis is skipped briefly, so a frozen server costs
  // one wait, not one per request.
  const availability = trackRedisAvailability(client, { what: 'rate limits', logger: options.logger });

  return {
    async consume(key, limit, windowMs) {
      const nowMs = options.clock.now().getTime();
      return availability.attempt(
        async () => {
          sequence = (sequence + 1) % 1_000_000_000;
          const [allowed, count, oldest] = await client.slidingWindow(
            key,
            nowMs,
            windowMs,
            limit,
            `${nowMs}:${processTag}:${sequence}`,
          );
          return decisionFrom({
            allowed: allowed === 1,
            limit,
            count: Number(count),
            oldestMs: Number(oldest) >= 0 ? Number(oldest) : undefined,
            nowMs,
            windowMs,
          });
        },
        () => fallback.consume(key, limit, windowMs),
      );
    },
    async ready(timeoutMs) {
      if (client.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      availability.closing();
      client.disconnect();
      await fallback.close();
    },
  };
}
