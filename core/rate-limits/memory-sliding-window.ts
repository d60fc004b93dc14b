import { LRUCache } from 'lru-cache';
import type { Clock } from '../ports/clock.js';
import { decisionFrom, type SlidingWindowLimiter } from './rate-decision.js';

/** Accepted timestamps, oldest first; entries before `head` have left the window. */
interface WindowLog {
  times: number[];
  head: number;
}

/**
 * The sliding log in this process: embedded mode, and the fallback while Redis is down. One
 * event loop makes check-and-count atomic. Expiry moves a head index (compacting now and
 * then), so a full window of thousands costs the same per request as an empty one. Bounded in
 * keys: a flood of new keys evicts the least recently used windows instead of growing without end.
 */
export function createMemorySlidingWindow(options: { clock: Clock; maxKeys?: number }): SlidingWindowLimiter {
  const logs = new LRUCache<string, WindowLog>({ max: options.maxKeys ?? 100_000 });
  return {
    async consume(key, limit, windowMs) {
      const nowMs = options.clock.now().getTime();
      let log = logs.get(key);
      if (!log) {
        log = { times: [], head: 0 };
        logs.set(key, log);
      }
      // Entries at or before now - window have left the window.
      while (log.head < log.times.length && log.times[log.head]! <= nowMs - windowMs) log.head += 1;
      if (log.head > 1024 && log.head * 2 > log.times.length) {
        log.times = log.times.slice(log.head);
        log.head = 0;
      }
      const count = log.times.length - log.head;
      const allowed = count < limit;
      if (allowed) log.times.push(nowMs);
      return decisionFrom({
        allowed,
        limit,
        count: allowed ? count + 1 : count,
        oldestMs: log.times[log.head],
        nowMs,
        windowMs,
      });
    },
    async close() {
      logs.clear();
    },
  };
}
