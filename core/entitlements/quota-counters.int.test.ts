import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('daily quota counters', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const member = async (externalId: string) =>
    (await harness.createUser({ platform: 'discord', external_id: externalId })).id;

  it('50 concurrent reservations never count past the limit', async () => {
    const userId = await member('6001');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 1, limit: 20 }),
      ),
    );
    expect(results.filter((result) => result.granted)).toHaveLength(20);
    expect(Math.max(...results.map((result) => result.used))).toBe(20);
    expect(await harness.core.quotas.usage(userId)).toEqual({ signals_per_day: 20 });
  });

  it('concurrent reservations of different sizes stop at the limit without overshooting it', async () => {
    const userId = await member('6002');
    const amounts = Array.from({ length: 50 }, (_, index) => (index % 3) + 1);
    const results = await Promise.all(
      amounts.map((amount) => harness.core.quotas.reserve({ userId, quota: 'api_calls', amount, limit: 37 })),
    );
    const granted = amounts.filter((_, index) => results[index]?.granted).reduce((sum, amount) => sum + amount, 0);
    const { api_calls: used } = await harness.core.quotas.usage(userId);
    expect(used).toBe(granted);
    expect(used).toBeLessThanOrEqual(37);
    // Only a reservation larger than what is left may be refused: 37 - used < 3.
    expect(37 - (used ?? 0)).toBeLessThan(3);
  });

  it('a reservation bigger than the whole limit is refused and counts nothing', async () => {
    const userId = await member('6003');
    expect(await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 6, limit: 5 })).toEqual({
      granted: false,
      used: 0,
    });
    expect(await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 5, limit: 5 })).toEqual({
      granted: true,
      used: 5,
    });
    expect(await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 1, limit: 5 })).toEqual({
      granted: false,
      used: 5,
    });
  });

  it('the count starts again at the next UTC day', async () => {
    const userId = await member('6004');
    harness.clock.set('2026-11-02T23:59:00.000Z');
    await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 3, limit: 3 });
    expect((await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 1, limit: 3 })).granted).toBe(
      false,
    );
    harness.clock.set('2026-11-03T00:00:01.000Z');
    expect(await harness.core.quotas.usage(userId)).toEqual({});
    expect(await harness.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 1, limit: 3 })).toEqual({
      granted: true,
      used: 1,
    });
  });

  it('reserveMany counts each member against their own limit in one go, and never past it', async () => {
    const [light, heavy] = [await member('6101'), await member('6102')];
    // The light member appears 6 times (a counter may only change once per statement, so in
    // rounds), the heavy one 3 times; one reservation is over its limit on its own.
    const batch = [
      ...Array.from({ length: 6 }, () => ({ userId: light, quota: 'signals_per_day', amount: 1, limit: 4 })),
      ...Array.from({ length: 3 }, () => ({ userId: heavy, quota: 'signals_per_day', amount: 1, limit: 100 })),
      { userId: heavy, quota: 'signals_per_day', amount: 101, limit: 100 },
    ];
    const results = await harness.core.quotas.reserveMany(batch);
    expect(results.map((result) => result.granted)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(await harness.core.quotas.usage(light)).toEqual({ signals_per_day: 4 });
    expect(await harness.core.quotas.usage(heavy)).toEqual({ signals_per_day: 3 });
  });

  it('concurrent reserveMany batches for one member together never pass the limit', async () => {
    const userId = await member('6103');
    const batches = Array.from({ length: 10 }, () =>
      Array.from({ length: 5 }, () => ({ userId, quota: 'signals_per_day', amount: 1, limit: 20 })),
    );
    const results = (await Promise.all(batches.map((batch) => harness.core.quotas.reserveMany(batch)))).flat();
    expect(results.filter((result) => result.granted)).toHaveLength(20);
    expect(await harness.core.quotas.usage(userId)).toEqual({ signals_per_day: 20 });
  });
});
