/** A namespaced key-value cache with TTLs. Never the source of truth: a miss must be safe. */
export interface Cache {
  get<T>(namespace: string, key: string): Promise<T | undefined>;
  /** `onlyIfAbsent` lets a reader fill a miss without overwriting a fresher value a writer just set. */
  set<T>(
    namespace: string,
    key: string,
    value: T,
    ttlSeconds: number,
    options?: { onlyIfAbsent?: boolean },
  ): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  /** Atomically adds `by` and returns the new value; the TTL is set when the key is created. */
  incr(namespace: string, key: string, by: number, ttlSeconds: number): Promise<number>;
  /** Tells every process sharing this cache that a key changed (drops local copies). */
  onInvalidate(listener: (namespace: string, key: string) => void): void;
  /** One bounded round trip to the shared store, for /readyz; absent when the cache lives in the process. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
