import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.js';
import { buildApp } from '../../web/app.js';
import { createMemoryCache } from '../adapters/memory-cache.js';
import { bearer, createTwinApps, memberOn } from '../auth/testing/api-test-kit.js';
import { type Core, createCore } from '../index.js';
import { createLogger } from '../logger.js';
import type { Cache } from '../ports/cache.js';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.js';
import { adminHeaders, testConfig } from '../testing/test-core.js';
import { createTestDatabase } from '../testing/test-database.js';
import { createSignalWindowCache, signalWindowNamespace } from './signal-window-cache.js';
import { createSignalReader, type SignalReader } from './visible-signals.js';

const second = 1000;
const minute = 60 * second;
const day = 24 * 60 * minute;
let keyCount = 0;

const signalInput = () => {
  keyCount += 1;
  return {
    instrument: 'BTCUSDT',
    side: 'long',
    entry: '64250.5',
    stop: '63000',
    targets: ['66000'],
    idempotency_key: `window-test-${keyCount}-${randomBytes(4).toString('hex')}`,
  };
};

/**
 * The database as the product sees it, with a switch: while `offline`, every call on it throws,
 * as an unreachable database would. `selects` counts the reads that reached it.
 */
function switchableDatabase(handle: DatabaseHandle) {
  const state = { offline: false, selects: 0 };
  const db = new Proxy(handle.db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.offline) throw new Error(`database unavailable (${String(property)})`);
        if (property === 'select') state.selects += 1;
        return value.apply(target, args);
      };
    },
  });
  return { handle: { ...handle, db }, state };
}

interface Shop {
  core: Core;
  app: FastifyInstance;
  clock: FakeClock;
  database: ReturnType<typeof switchableDatabase>['state'];
  close(): Promise<void>;
}

/** One API process over its own database (nothing consumes jobs: fan-out is not what is tested here). */
async function startShop(): Promise<Shop> {
  const clock = createFakeClock();
  const base = await createTestDatabase();
  const { handle, state } = switchableDatabase(base);
  const core = await createCore({
    config: testConfig(),
    clock,
    database: handle,
    logger: createLogger({ level: 'silent' }),
  });
  await core.prepareDatabase();
  const app = await buildApp(core, { docs: false });
  await app.ready();
  return {
    core,
    app,
    clock,
    database: state,
    async close() {
      state.offline = false;
      await app.close();
      await core.close();
      await base.close();
    },
  };
}

/** An API key (access tokens expire after 5 minutes, and these tests move the clock by days). */
async function memberKey(core: Core, planId: string | null, addOn?: string) {
  const { userId } = await memberOn(core, planId);
  if (addOn)
    await core.grants.grant({ userId, planId: addOn, days: 30, expiresAt: null, reason: 'test' }, 'test:moderator');
  const { key } = await core.apiKeys.create({ kind: 'admin', tag: 'test' }, { userId, name: 'feed' });
  return bearer(key);
}
const vipKey = (core: Core) => memberKey(core, 'vip');

const sequences = (response: { json(): unknown }) =>
  (response.json() as { signals: Array<{ sequence: number }> }).signals.map((signal) => signal.sequence);

let shop: Shop | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

describe('GET /v1/signals from each process’s copy of the recent signals', () => {
  it('a signal published on this process is in the very next read, with no time passing', async () => {
    shop = await startShop();
    const headers = await vipKey(shop.core);
    await shop.core.signals.publish(signalInput(), 'test');
    const before = await shop.app.inject({ method: 'GET', url: '/v1/signals', headers });
    expect(sequences(before)).toEqual([1]);
    await shop.core.signals.publish(signalInput(), 'test');
    const after = await shop.app.inject({ method: 'GET', url: '/v1/signals', headers });
    expect(sequences(after)).toEqual([1, 2]);
  });

  it('a warm read, and a read right after a publish, answer with the database unavailable', async () => {
    shop = await startShop();
    const headers = await vipKey(shop.core);
    await shop.core.signals.publish(signalInput(), 'test');
    expect((await shop.app.inject({ method: 'GET', url: '/v1/signals', headers })).statusCode).toBe(200);

    shop.database.offline = true;
    const warm = await shop.app.inject({ method: 'GET', url: '/v1/signals?limit=10', headers });
    expect(warm.statusCode, warm.body).toBe(200);
    expect(sequences(warm)).toEqual([1]);
    shop.database.offline = false;
    await shop.core.signals.publish(signalInput(), 'test');
    shop.database.offline = true;
    const afterPublish = await shop.app.inject({ method: 'GET', url: '/v1/signals?since=1', headers });
    expect(afterPublish.statusCode, afterPublish.body).toBe(200);
    expect(sequences(afterPublish)).toEqual([2]);

    // The switch works: once the copy is due to be read again, the same request needs the database.
    shop.clock.advance(10 * second);
    const due = await shop.app.inject({ method: 'GET', url: '/v1/signals?since=1', headers });
    expect(due.statusCode).toBeGreaterThanOrEqual(500);
  });

  it('concurrent first reads load the copy once', async () => {
    shop = await startShop();
    await shop.core.signals.publish(signalInput(), 'test');
    const vip: SignalReader = { quotas: { signal_delay_seconds: 0 }, features: [] };
    const selectsBefore = shop.database.selects;
    const pages = await Promise.all(Array.from({ length: 20 }, () => shop!.core.signals.page(vip, { limit: 50 })));
    expect(pages.every((page) => page.signals.length === 1)).toBe(true);
    // One load is two reads: the signals since the window's start, and the newest sequence before it.
    expect(shop.database.selects - selectsBefore).toBe(2);
  });

  it('a Free member does not see a signal before its 15-minute delay, then does, with no publish in between', async () => {
    shop = await startShop();
    const free = await memberKey(shop.core, null);
    await shop.core.signals.publish(signalInput(), 'test');
    const read = () => shop!.app.inject({ method: 'GET', url: '/v1/signals', headers: free });
    expect(sequences(await read())).toEqual([]);
    shop.clock.advance(14 * minute + 58 * second);
    // Read now (the copy is loaded again: it aged), while the signal is still hidden from Free...
    expect(sequences(await read())).toEqual([]);
    // ...then, two seconds on, the same copy shows it: the delay is applied per read, not stored.
    shop.clock.advance(2 * second);
    shop.database.offline = true;
    const due = await read();
    expect(due.statusCode, due.body).toBe(200);
    expect(sequences(due)).toEqual([1]);
  });

  it('backfill beyond the history window still answers from the database, and the window still clamps', async () => {
    shop = await startShop();
    const backfill = await memberKey(shop.core, 'pro', 'addon_backfill');
    const windowOnly = await vipKey(shop.core);
    await shop.core.signals.publish(signalInput(), 'test');
    shop.clock.advance(8 * day);
    await shop.core.signals.publish(signalInput(), 'test');

    const old = await shop.app.inject({ method: 'GET', url: '/v1/signals?since=0', headers: backfill });
    expect(old.statusCode, old.body).toBe(200);
    expect(old.json()).toMatchObject({ history_clamped: false, window_start: null, next_since: 2 });
    expect(sequences(old)).toEqual([1, 2]);
    const clamped = await shop.app.inject({ method: 'GET', url: '/v1/signals?since=0', headers: windowOnly });
    expect(clamped.json()).toMatchObject({
      history_clamped: true,
      window_start: new Date(shop.clock.now().getTime() - 7 * day).toISOString(),
    });
    expect(sequences(clamped)).toEqual([2]);
  });

  it('the copy answers exactly what the database answers, for every delay, window, cursor and limit', async () => {
    shop = await startShop();
    const { core, clock } = shop;
    // Ten days of signals at uneven times, so windows, delays and cursors cut between them.
    for (const gap of [0, 2 * day, 3 * day, 1 * day, 1 * day, 20 * minute, 5 * minute, 9 * minute, 30 * second, 0]) {
      clock.advance(gap);
      await core.signals.publish(signalInput(), 'test');
    }
    const historyDays = core.config.SIGNAL_HISTORY_DAYS;
    const database = createSignalReader({ db: core.db, clock, historyDays });
    const copies = [10_000, 3].map((maxSignals) =>
      createSignalReader({
        db: core.db,
        clock,
        historyDays,
        window: createSignalWindowCache({
          db: core.db,
          clock,
          cache: createMemoryCache(),
          logger: core.logger,
          options: { historyDays, maxSignals, maxAgeMs: 10 * second },
        }),
      }),
    );
    const readers: Array<SignalReader | null> = [
      null,
      { quotas: { signal_delay_seconds: 900 }, features: [] },
      { quotas: { signal_delay_seconds: 0 }, features: [] },
      { quotas: { signal_delay_seconds: 600 }, features: ['historical_backfill'] },
      { quotas: {}, features: ['historical_backfill'] },
    ];
    for (const later of [0, 4 * minute, 11 * minute, 2 * day]) {
      clock.advance(later);
      for (const reader of readers)
        for (const since of [undefined, 0, 1, 3, 5, 8, 9, 10])
          for (const limit of [1, 2, 50]) {
            const expected = await database.page(reader, { since, limit });
            for (const copy of copies)
              expect(
                await copy.page(reader, { since, limit }),
                JSON.stringify({ later, reader, since, limit }),
              ).toEqual(expected);
          }
    }
  });
});

describe('GET /v1/signals across API processes', () => {
  it('a signal published on one process is in the other’s next read as soon as the broadcast arrives', async () => {
    const twins = await createTwinApps();
    try {
      const [first, second] = twins.apps;
      const headers = await vipKey(twins.cores[0]);
      await twins.cores[0].signals.publish(signalInput(), 'test');
      expect(sequences(await second.inject({ method: 'GET', url: '/v1/signals', headers }))).toEqual([1]);
      const broadcast = new Promise<void>((resolve) =>
        twins.cores[1].cache.onInvalidate((namespace) => {
          if (namespace === signalWindowNamespace) resolve();
        }),
      );
      const published = await first.inject({
        method: 'POST',
        url: '/v1/signals',
        headers: adminHeaders,
        payload: signalInput(),
      });
      expect(published.statusCode).toBe(201);
      await broadcast;
      // No time passed on the shared clock: the copy did not age, the broadcast refreshed it.
      expect(sequences(await second.inject({ method: 'GET', url: '/v1/signals', headers }))).toEqual([1, 2]);
    } finally {
      await twins.close();
    }
  });

  it('a process that missed the broadcast catches up once its copy reaches its maximum age', async () => {
    // Two processes over one database whose caches do not talk: every broadcast is lost.
    const clock = createFakeClock();
    const database = await createTestDatabase();
    const build = (cache: Cache) =>
      createCore({ config: testConfig(), clock, database, cache, logger: createLogger({ level: 'silent' }) });
    const publisher = await build(createMemoryCache());
    await publisher.prepareDatabase();
    const reader = await build(createMemoryCache());
    try {
      const vip: SignalReader = { quotas: { signal_delay_seconds: 0 }, features: [] };
      await publisher.signals.publish(signalInput(), 'test');
      expect((await reader.signals.page(vip, { limit: 50 })).signals).toHaveLength(1);
      await publisher.signals.publish(signalInput(), 'test');
      expect((await reader.signals.page(vip, { limit: 50 })).signals).toHaveLength(1);
      clock.advance(10 * second);
      expect((await reader.signals.page(vip, { limit: 50 })).signals).toHaveLength(2);
    } finally {
      await publisher.close();
      await reader.close();
      await database.close();
    }
  });
});
