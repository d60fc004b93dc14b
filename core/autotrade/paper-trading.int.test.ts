import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autotradeFills, autotradePositions } from '../../db/schema/index.js';
import { isAppError } from '../errors.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';
import { autotradeHarness } from './testing/autotrade-harness.js';

describe('paper trading against a scripted price path', () => {
  let test: TestApp;
  let harness: ReturnType<typeof autotradeHarness>;

  beforeAll(async () => {
    test = await createTestApp();
    harness = autotradeHarness(test);
  });
  afterAll(async () => test?.close());

  const positionOf = async (userId: string, signalId: string) =>
    (
      await test.core.db
        .select()
        .from(autotradePositions)
        .where(and(eq(autotradePositions.userId, userId), eq(autotradePositions.signalId, signalId)))
    )[0]!;
  const fillsOf = async (userId: string, signalId: string) =>
    (
      await test.core.db
        .select()
        .from(autotradeFills)
        .where(eq(autotradeFills.positionId, (await positionOf(userId, signalId)).id))
        .orderBy(autotradeFills.filledAt)
    ).map((fill) => `${fill.leg} ${fill.quantity}@${fill.price} ${fill.realisedPnlMinor}`);

  it('a long fills at the entry, takes half at the first target, and the stop closes the rest: +$22.50 exactly', async () => {
    const userId = await harness.member('pro');
    await harness.autotrade.enable(userId);
    const signal = harness.signal({
      instrument: 'LONG1',
      side: 'long',
      entry: '100',
      stop: '95',
      targets: ['110', '120'],
    });
    expect(await harness.autotrade.onSignalPublished(signal)).toEqual({ placed: 1 });

    await harness.play('LONG1', ['101', '99.5', '110', '104']);
    const midway = await harness.autotrade.status(userId);
    // 5 units still open at 104 against an entry of 100.
    expect(midway).toMatchObject({ unrealisedPnlMinor: 2000, openPositions: 1 });
    expect(midway.account?.balanceMinor).toBe(1_005_000);

    await harness.play('LONG1', ['94.5', '90']);
    expect(await fillsOf(userId, signal.id)).toEqual(['entry 10@100 0', 'target_1 5@110 5000', 'stop 5@94.5 -2750']);
    const position = await positionOf(userId, signal.id);
    expect(position).toMatchObject({
      status: 'closed',
      closeReason: 'stop',
      realisedPnlMinor: 2250,
      remainingQuantity: '0',
    });
    const status = await harness.autotrade.status(userId);
    expect(status.account).toMatchObject({ balanceMinor: 1_002_250, realisedPnlMinor: 2250, currency: 'usd' });
    expect(status).toMatchObject({ unrealisedPnlMinor: 0, equityMinor: 1_002_250, openPositions: 0 });
  });

  it('a long that reaches the next target closes there: +$150.00 exactly', async () => {
    const userId = await harness.member('pro');
    await harness.autotrade.enable(userId);
    const signal = harness.signal({
      instrument: 'LONG2',
      side: 'long',
      entry: '100',
      stop: '95',
      targets: ['110', '120'],
    });
    await harness.autotrade.onSignalPublished(signal);
    await harness.play('LONG2', ['100', '111', '119.99', '120.5']);
    expect(await fillsOf(userId, signal.id)).toEqual(['entry 10@100 0', 'target_1 5@110 5000', 'target_2 5@120 10000']);
    expect(await positionOf(userId, signal.id)).toMatchObject({ status: 'closed', closeReason: 'targets' });
    expect((await harness.autotrade.status(userId)).account?.balanceMinor).toBe(1_015_000);
  });

  it('a short fills when the price rises to the entry and gains as it falls, ticks matched in one late run', async () => {
    const userId = await harness.member('pro');
    await harness.autotrade.enable(userId);
    const signal = harness.signal({
      instrument: 'SHORT1',
      side: 'short',
      entry: '200',
      stop: '210',
      targets: ['190', '180'],
    });
    await harness.autotrade.onSignalPublished(signal);
    // Every tick happened before the one evaluation: none of them is skipped.
    await harness.play('SHORT1', ['199', '200.25', '190', '195', '179.5'], { matchEachTick: false });
    expect(await fillsOf(userId, signal.id)).toEqual([
      'entry 5@200 0',
      'target_1 2.5@190 2500',
      'target_2 2.5@180 5000',
    ]);
    expect((await harness.autotrade.status(userId)).account).toMatchObject({
      balanceMinor: 1_007_500,
      realisedPnlMinor: 7500,
    });
  });

  it('a signal whose entry is never reached expires after the order lifetime with no fill', async () => {
    const userId = await harness.member('pro');
    await harness.autotrade.enable(userId);
    const signal = harness.signal({ instrument: 'NOFILL', side: 'long', entry: '100', stop: '95', targets: ['110'] });
    await harness.autotrade.onSignalPublished(signal);
    await harness.play('NOFILL', ['101', '102', '100.01']);
    expect(await positionOf(userId, signal.id)).toMatchObject({ status: 'pending' });

    test.clock.advance(24 * 3_600_000);
    await harness.autotrade.matchPositions();
    expect(await positionOf(userId, signal.id)).toMatchObject({ status: 'expired', closeReason: 'expired' });
    // Too late: the order is gone.
    await harness.play('NOFILL', ['99']);
    expect(await fillsOf(userId, signal.id)).toEqual([]);
    expect((await harness.autotrade.status(userId)).account?.balanceMinor).toBe(1_000_000);
  });

  it('a replayed tick, two runs at once or a run that lost its progress never fill or pay twice', async () => {
    const userId = await harness.member('pro');
    await harness.autotrade.enable(userId);
    const signal = harness.signal({ instrument: 'REPLAY', side: 'long', entry: '100', stop: '95', targets: ['110'] });
    await harness.autotrade.onSignalPublished(signal);
    // The same signal delivered again places nothing new.
    expect(await harness.autotrade.onSignalPublished(signal)).toEqual({ placed: 0 });
    await harness.play('REPLAY', ['99', '111'], { matchEachTick: false });
    const expected = ['entry 10@100 0', 'target_1 10@110 10000'];
    expect(await fillsOf(userId, signal.id)).toEqual(expected);

    // As if the run crashed after filling but before saving the position: every tick is served again.
    await test.core.db
      .update(autotradePositions)
      .set({ status: 'pending', remainingQuantity: '0', targetsHit: 0, closeReason: null, lastTickAt: null })
      .where(and(eq(autotradePositions.userId, userId), eq(autotradePositions.signalId, signal.id)));
    await Promise.all([harness.autotrade.broker.match({ batchSize: 1 }), harness.autotrade.broker.match()]);
    expect(await fillsOf(userId, signal.id)).toEqual(expected);
    expect(await positionOf(userId, signal.id)).toMatchObject({ status: 'closed', realisedPnlMinor: 10000 });
    expect((await harness.autotrade.status(userId)).account).toMatchObject({
      balanceMinor: 1_010_000,
      realisedPnlMinor: 10000,
    });
  });

  it('a member below Pro is refused with autotrade_not_in_plan and told which plan to buy', async () => {
    for (const planId of ['free', 'core']) {
      const userId = await harness.member(planId);
      const refusal = await harness.autotrade.enable(userId).catch((error: unknown) => error);
      expect(isAppError(refusal) && { code: refusal.code, status: refusal.status, context: refusal.context }).toEqual({
        code: 'autotrade_not_in_plan',
        status: 403,
        context: { feature: 'autotrade_sandbox', upgrade_plan_id: 'pro' },
      });
      expect((await harness.autotrade.status(userId)).account).toBeNull();
    }
  });

  it('a member whose plan lapses keeps the account, paused: new signals are not followed', async () => {
    const { id: userId } = await test.createUser({ email: 'lapsing-trader@example.com' });
    const grant = await test.core.grants.grant(
      { userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
      'test',
    );
    await harness.autotrade.enable(userId);
    await test.core.grants.revoke(grant.id, 'test', 'test');
    const signal = harness.signal({ instrument: 'LAPSE', side: 'long', entry: '10', stop: '9', targets: ['11'] });
    await harness.autotrade.onSignalPublished(signal);
    const status = await harness.autotrade.status(userId);
    expect(status).toMatchObject({ following: false, pendingOrders: 0, positions: [] });
    expect(status.account?.enabled).toBe(true);
  });

  it('an account switched off cancels its unfilled orders and follows no new signal; on again keeps the balance', async () => {
    const userId = await harness.member('pro');
    const account = await harness.autotrade.enable(userId);
    const first = harness.signal({ instrument: 'OFF1', side: 'long', entry: '50', stop: '45', targets: ['60'] });
    await harness.autotrade.onSignalPublished(first);
    expect(await harness.autotrade.disable(userId)).toMatchObject({ canceledOrders: 1 });
    expect(await positionOf(userId, first.id)).toMatchObject({ status: 'canceled' });

    const second = harness.signal({ instrument: 'OFF1', side: 'long', entry: '50', stop: '45', targets: ['60'] });
    await harness.autotrade.onSignalPublished(second);
    expect(await harness.autotrade.broker.positions(account.id)).toHaveLength(1);
    const again = await harness.autotrade.enable(userId);
    expect(again).toMatchObject({ id: account.id, enabled: true, balanceMinor: account.balanceMinor });
  });
});
