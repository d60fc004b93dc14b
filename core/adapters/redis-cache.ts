import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Cache } from '../ports/cache.js';
import { createMemoryCache } from './memory-cache.js';
import { trackRedisAvailability } from './redis-availability.js';

const invalidationChannel = 'cache:invalidate';

/** A cache read is worth at most this long; past it the caller reads the database instead. */
export const cacheCommandTimeoutMs = 250;

/**
 * Deletes that could not reach Redis, replayed when it answers again. Bounded: past it the
 * oldest are dropped, and their stale copies live only until their TTL, as with no replay.
 */
const maxPendingDeletes = 10_000;

/**
 * Redis-backed cache shared by every process. Deletes are broadcast on a pub/sub channel
 * so processes that keep a local copy in front of Redis drop it at once.
 *
 * When Redis does not answer it degrades as the Cache port allows, never waiting for it:
 * get is a miss, set is skipped, incr counts in this process, delete still drops local
 * copies and is replayed (with its broadcast) once Redis is back.
 */
export function createRedisCache(options: { url: string; keyPrefix: string; logger?: Logger }): Cache {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // Fail fast instead of queueing while disconnected: the fallback answers at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: cacheCommandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  const pendingDeletes = new Set<string>();
  const availability = trackRedisAvailability(client, {
    what: 'cache',
    logger: options.logger,
    onRecovered: () => void replayDeletes(),
  });
  // Counters back brute-force limits: during an outage they hold per process, never unlimited.
  const fallbackCounters = createMemoryCache({ maxEntries: 50_000 });
  let subscriber: Redis | undefined;
  const listeners: Array<(namespace: string, key: string) => void> = [];
  const channel = `${options.keyPrefix}${invalidationChannel}`;
  const compose = (namespace: string, key: string) => `${namespace}:${key}`;

  async function deleteEverywhere(namespace: string, key: string) {
    await client.del(compose(namespace, key));
    await client.publish(channel, JSON.stringify([namespace, key]));
  }

  async function replayDeletes() {
    for (const entry of [...pendingDeletes]) {
      const [namespace, key] = JSON.parse(entry) as [string, string];
      const replayed = await availability.attempt(
        () => deleteEverywhere(namespace, key).then(() => true),
        () => false,
      );
      // Still down: the next recovery replays the rest.
      if (!replayed) return;
      pendingDeletes.delete(entry);
    }
  }

  function rememberDelete(namespace: string, key: string) {
    const entry = JSON.stringify([namespace, key]);
    pendingDeletes.delete(entry);
    pendingDeletes.add(entry);
    if (pendingDeletes.size > maxPendingDeletes) pendingDeletes.delete(pendingDeletes.values().next().value!);
  }

  return {
    async get<T>(namespace: string, key: string) {
      const raw = await availability.attempt(
        () => client.get(compose(namespace, key)),
        () => null,
      );
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(namespace, key, value, ttlSeconds, setOptions) {
      const composed = compose(namespace, key);
      await availability.attempt(
        async () => {
          if (setOptions?.onlyIfAbsent) await client.set(composed, JSON.stringify(value), 'EX', ttlSeconds, 'NX');
          else await client.set(composed, JSON.stringify(value), 'EX', ttlSeconds);
        },
        () => undefined,
      );
    },
    async delete(namespace, key) {
      // Redis first, then the local copies: a reader in between cannot refill them from Redis.
      const deleted = await availability.attempt(
        () => client.del(compose(namespace, key)).then(() => true),
        () => false,
      );
      for (const listener of listeners) listener(namespace, key);
      if (!deleted) return rememberDelete(namespace, key);
      await availability.attempt(
        async () => {
          await client.publish(channel, JSON.stringify([namespace, key]));
        },
        () => rememberDelete(namespace, key),
      );
    },
    async incr(namespace, key, by, ttlSeconds) {
      const composed = compose(namespace, key);
      return availability.attempt(
        async () => {
          // One round trip, atomic: the TTL is only set by the increment that created the key.
          const [[, value]] = (await client.multi().incrby(composed, by).expire(composed, ttlSeconds, 'NX').exec()) as [
            [Error | null, number],
          ];
          return Number(value);
        },
        () => fallbackCounters.incr(namespace, key, by, ttlSeconds),
      );
    },
    onInvalidate(listener) {
      listeners.push(listener);
      if (!subscriber) {
        // Reconnects and resubscribes by itself (ioredis autoResubscribe); messages sent while
        // it was away are covered by the senders' replayed deletes and the local copies' TTL.
        subscriber = new Redis(options.url, {
          maxRetriesPerRequest: null,
          retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
        });
        subscriber.on('error', () => {
          // The command client reports the outage; this one only has to come back.
        });
        void subscriber.subscribe(channel).catch(() => undefined);
        subscriber.on('message', (_channel, message: string) => {
          const [namespace, key] = JSON.parse(message) as [string, string];
          for (const each of listeners) each(namespace, key);
        });
      }
    },
    ping: () => availability.probe(),
    async close() {
      availability.closing();
      await Promise.all([quitOrDrop(client), subscriber ? quitOrDrop(subscriber) : undefined]);
      await fallbackCounters.close();
    },
  };
}

/** A clean QUIT when connected; otherwise there is no one to say goodbye to. */
async function quitOrDrop(connection: Redis) {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  await connection.quit().catch(() => connection.disconnect());
}
