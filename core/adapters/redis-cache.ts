import { Redis } from 'ioredis';
import type { Cache } from '../ports/cache.js';

const invalidationChannel = 'cache:invalidate';

/**
 * Redis-backed cache shared by every process. Deletes are broadcast on a pub/sub channel
 * so processes that keep a local copy in front of Redis drop it at once.
 */
export function createRedisCache(options: { url: string; keyPrefix: string }): Cache {
  const client = new Redis(options.url, { keyPrefix: options.keyPrefix, lazyConnect: false, maxRetriesPerRequest: 2 });
  let subscriber: Redis | undefined;
  const listeners: Array<(namespace: string, key: string) => void> = [];
  const channel = `${options.keyPrefix}${invalidationChannel}`;
  const compose = (namespace: string, key: string) => `${namespace}:${key}`;

  return {
    async get<T>(namespace: string, key: string) {
      const raw = await client.get(compose(namespace, key));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(namespace, key, value, ttlSeconds, setOptions) {
      const composed = compose(namespace, key);
      if (setOptions?.onlyIfAbsent) await client.set(composed, JSON.stringify(value), 'EX', ttlSeconds, 'NX');
      else await client.set(composed, JSON.stringify(value), 'EX', ttlSeconds);
    },
    async delete(namespace, key) {
      await client.del(compose(namespace, key));
      for (const listener of listeners) listener(namespace, key);
      await client.publish(channel, JSON.stringify([namespace, key]));
    },
    async incr(namespace, key, by, ttlSeconds) {
      const composed = compose(namespace, key);
      // One round trip, atomic: the TTL is only set by the increment that created the key.
      const [[, value]] = (await client.multi().incrby(composed, by).expire(composed, ttlSeconds, 'NX').exec()) as [
        [Error | null, number],
      ];
      return Number(value);
    },
    onInvalidate(listener) {
      listeners.push(listener);
      if (!subscriber) {
        subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
        void subscriber.subscribe(channel);
        subscriber.on('message', (_channel, message: string) => {
          const [namespace, key] = JSON.parse(message) as [string, string];
          for (const each of listeners) each(namespace, key);
        });
      }
    },
    async close() {
      await Promise.all([client.quit(), subscriber?.quit()]);
    },
  };
}
