import { LRUCache } from 'lru-cache';
import type { Cache } from '../ports/cache.js';

/** Single-process cache for embedded mode and tests. Bounded so it cannot grow without end. */
export function createMemoryCache(options: { maxEntries?: number } = {}): Cache {
  const store = new LRUCache<string, { value: unknown }>({ max: options.maxEntries ?? 100_000, ttlAutopurge: false });
  const listeners: Array<(namespace: string, key: string) => void> = [];
  const compose = (namespace: string, key: string) => `${namespace}:${key}`;
  return {
    async get<T>(namespace: string, key: string) {
      return store.get(compose(namespace, key))?.value as T | undefined;
    },
    async set(namespace, key, value, ttlSeconds, setOptions) {
      if (setOptions?.onlyIfAbsent && store.has(compose(namespace, key))) return;
      store.set(compose(namespace, key), { value }, { ttl: ttlSeconds * 1000 });
    },
    async delete(namespace, key) {
      store.delete(compose(namespace, key));
      for (const listener of listeners) listener(namespace, key);
    },
    async incr(namespace, key, by, ttlSeconds) {
      const composed = compose(namespace, key);
      const current = store.get(composed);
      const next = ((current?.value as number | undefined) ?? 0) + by;
      // Keep the original expiry: a counter window must not slide on every increment.
      const remaining = current ? store.getRemainingTTL(composed) : ttlSeconds * 1000;
      store.set(composed, { value: next }, { ttl: remaining > 0 ? remaining : ttlSeconds * 1000 });
      return next;
    },
    onInvalidate(listener) {
      listeners.push(listener);
    },
    async close() {
      store.clear();
    },
  };
}
