import type { Sql } from 'postgres';

/**
 * postgres.js queues a query without limit when no connection is free (all busy, or all
 * reconnecting after the server went away), so a request could wait as long as the outage.
 * This bounds that wait: at most `permits` queries or transactions are handed to the pool at
 * once, and one that gets no permit within `waitTimeoutMs` fails before it was ever sent —
 * safe for writes, since nothing reached the server.
 */
export class PoolWaitTimeoutError extends Error {
  readonly code = 'POOL_WAIT_TIMEOUT';
  constructor(waitTimeoutMs: number) {
    super(`No database connection came free within ${waitTimeoutMs} ms.`);
    this.name = 'PoolWaitTimeoutError';
  }
}

export interface Permits {
  /** Resolves with the release function, or rejects with PoolWaitTimeoutError. */
  acquire(): Promise<() => void>;
  readonly waiting: number;
}

export function createPermits(count: number, waitTimeoutMs: number): Permits {
  let available = count;
  const queue: Array<(release: () => void) => void> = [];

  const release = () => {
    const next = queue.shift();
    if (next) next(once());
    else available += 1;
  };
  const once = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    get waiting() {
      return queue.length;
    },
    acquire() {
      if (available > 0) {
        available -= 1;
        return Promise.resolve(once());
      }
      return new Promise((resolve, reject) => {
        const grant = (releaseFunction: () => void) => {
          clearTimeout(timer);
          resolve(releaseFunction);
        };
        const timer = setTimeout(() => {
          const index = queue.indexOf(grant);
          if (index >= 0) queue.splice(index, 1);
          reject(new PoolWaitTimeoutError(waitTimeoutMs));
        }, waitTimeoutMs);
        queue.push(grant);
      });
    },
  };
}

async function withPermit<T>(permits: Permits, work: () => PromiseLike<T>): Promise<T> {
  const release = await permits.acquire();
  try {
    return await work();
  } finally {
    release();
  }
}

type Thenable = { values(): Promise<unknown>; then: Promise<unknown>['then'] };

/** A stand-in for postgres.js's lazy query: nothing runs until drizzle awaits it (or its `.values()`). */
function lazyQuery(
  run: (shape: (query: ReturnType<Sql['unsafe']>) => PromiseLike<unknown>) => Promise<unknown>,
): Thenable {
  return {
    values: () => run((query) => query.values()),
    // biome-ignore lint/suspicious/noThenProperty: drizzle awaits the query, so the stand-in must be thenable.
    then: (onFulfilled, onRejected) => run((query) => query).then(onFulfilled, onRejected),
  };
}

/** The socket is gone (or going): nothing more may be written on this connection. */
const connectionLostCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'ECONNRESET',
  'EPIPE',
  '57P01',
  '57P02',
]);
const isConnectionLost = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (connectionLostCodes.has(code) || /^08/.test(code));
};

/** How long a transaction whose connection failed waits for postgres.js to report the close before rolling back. */
const lostConnectionGraceMs = 5_000;

/**
 * postgres.js 3.4.9 writes a transaction's rollback (or commit) on its connection after the
 * callback settles, and when that connection has just closed the write lands on a null socket in
 * a setImmediate: an uncaught TypeError that ends the process (porsager/postgres#1154, #1208).
 * So once a query of the transaction fails for a lost connection, further queries fail without
 * touching it, and the callback stays unsettled: postgres.js rejects the transaction itself on
 * the close. Should no close come (the connection lives), it settles after a grace and rolls back.
 */
function guardLostConnection(begin: Sql['begin']) {
  return (...args: unknown[]) => {
    const work = args.at(-1) as (transaction: Sql) => unknown;
    let finished = false;
    const guarded = (transaction: Sql) => {
      let lost: unknown;
      const unsafe = (...unsafeArgs: Parameters<Sql['unsafe']>) =>
        lazyQuery(async (shape) => {
          if (lost !== undefined) throw lost;
          try {
            return await shape(transaction.unsafe(...unsafeArgs));
          } catch (error) {
            if (isConnectionLost(error)) lost ??= error;
            throw error;
          }
        });
      const client = new Proxy(transaction, {
        get: (target, property, receiver) => (property === 'unsafe' ? unsafe : Reflect.get(target, property, receiver)),
      });
      const holdUntilClosed = () =>
        new Promise((_, reject) => {
          setTimeout(() => {
            if (!finished) reject(lost);
          }, lostConnectionGraceMs).unref();
        });
      return Promise.resolve()
        .then(() => work(client))
        .then(
          (value) => (lost === undefined ? value : holdUntilClosed()),
          (error: unknown) => (lost === undefined ? Promise.reject(error) : holdUntilClosed()),
        );
    };
    const transaction = (begin as (...a: unknown[]) => Promise<unknown>)(...args.slice(0, -1), guarded);
    const markFinished = () => {
      finished = true;
    };
    transaction.then(markFinished, markFinished);
    return transaction;
  };
}

/**
 * The client drizzle sees: `unsafe` (every drizzle query) and `begin` (every transaction, which
 * holds its one permit to the end; its inner queries go through the transaction's own client)
 * wait for a permit first. postgres.js queries run when awaited, so nothing is sent before.
 */
export function boundPoolWaits(client: Sql, permits: Permits): Sql {
  const unsafe = (...args: Parameters<Sql['unsafe']>) =>
    lazyQuery((shape) => withPermit(permits, () => shape(client.unsafe(...args))));
  const guardedBegin = guardLostConnection(client.begin.bind(client));
  const begin = (...args: unknown[]) => withPermit(permits, () => guardedBegin(...args));
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') return unsafe;
      if (property === 'begin') return begin;
      return Reflect.get(target, property, receiver);
    },
  });
}
