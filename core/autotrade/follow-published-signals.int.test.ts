import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autotradeFollowedSignals, autotradePositions } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('following the signals engine', () => {
  let test: TestApp;
  let userId: string;

  beforeAll(async () => {
    test = await createTestApp();
    ({ id: userId } = await test.createUser({ email: 'follower@example.com' }));
    await test.core.grants.grant({ userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' }, 'test');
    await test.core.autotrade.enable(userId);
  });
  afterAll(async () => test?.close());

  const publish = async (instrument: string) => {
    const { signal } = await test.core.signals.publish(
      {
        instrument,
        side: 'short',
        entry: '1.0850',
        stop: '1.0900',
        targets: ['1.0800'],
        idempotency_key: randomUUID(),
      },
      'test',
    );
    await test.drain();
    return signal;
  };
  const ordersFor = (signalId: string) =>
    test.core.db
      .select({ entry: autotradePositions.entryPrice, status: autotradePositions.status })
      .from(autotradePositions)
      .where(and(eq(autotradePositions.userId, userId), eq(autotradePositions.signalId, signalId)));

  it('a published signal opens a pending order in a following account, through the follow job', async () => {
    const signal = await publish('EURUSD');
    expect(await ordersFor(signal.id)).toEqual([{ entry: '1.085', status: 'pending' }]);
  });

  it('a signal whose follow job was lost is followed by the sweeper, once', async () => {
    const signal = await publish('GBPUSD');
    // As if the job never ran: no order, not marked followed.
    await test.core.db.delete(autotradePositions).where(eq(autotradePositions.signalId, signal.id));
    await test.core.db.delete(autotradeFollowedSignals).where(eq(autotradeFollowedSignals.signalId, signal.id));

    // Still young: the job may be running.
    expect(await test.core.autotrade.sweepUnfollowedSignals()).toBe(0);
    test.clock.advance(2 * 60_000);
    expect(await test.core.autotrade.sweepUnfollowedSignals()).toBe(1);
    await test.drain();
    expect(await ordersFor(signal.id)).toEqual([{ entry: '1.085', status: 'pending' }]);
    expect(await test.core.autotrade.sweepUnfollowedSignals()).toBe(0);
  });

  it('a lost signal older than the order lifetime is not followed any more', async () => {
    const signal = await publish('USDJPY');
    await test.core.db.delete(autotradePositions).where(eq(autotradePositions.signalId, signal.id));
    await test.core.db.delete(autotradeFollowedSignals).where(eq(autotradeFollowedSignals.signalId, signal.id));
    test.clock.advance(25 * 3_600_000);
    expect(await test.core.autotrade.sweepUnfollowedSignals()).toBe(0);
    expect(await ordersFor(signal.id)).toEqual([]);
  });
});
