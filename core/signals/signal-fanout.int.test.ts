import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { quotaUsage, signalDeliveries, signalQuotaNotices, signals } from '../../db/schema/index.js';
import { createFakeChatPlatform, type FakeChatPlatform } from '../testing/fake-chat-platform.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

const minute = 60_000;
let nextKey = 0;
const signalInput = (overrides: Record<string, unknown> = {}) => {
  nextKey += 1;
  return {
    instrument: 'BTCUSDT',
    side: 'long',
    entry: '64250.5',
    stop: '63000',
    targets: ['66000', '68000'],
    note: 'breakout',
    idempotency_key: `test-signal-${nextKey}-${Date.now()}`,
    ...overrides,
  };
};

describe('signal fan-out', () => {
  let test: TestApp;
  let discord: FakeChatPlatform;
  let memberCount = 0;

  async function start(environment: Record<string, string> = {}) {
    test = await createTestApp({ SIGNAL_FANOUT_BATCH_SIZE: '3', ...environment });
    discord = createFakeChatPlatform({ name: 'discord', requestsPerSecond: 1000 });
    test.core.access.registerPlatform(discord.platform);
  }
  afterEach(async () => test?.close());

  async function member(planId?: string) {
    memberCount += 1;
    const externalId = `91000000000${String(memberCount).padStart(5, '0')}`;
    const { id } = await test.createUser({ platform: 'discord', external_id: externalId });
    if (planId) await test.core.grants.grant({ userId: id, planId, days: 30, expiresAt: null, reason: 'test' }, 'test');
    return { userId: id, externalId };
  }
  const signalDms = (externalId: string) =>
    discord.dms.filter((dm) => dm.externalId === externalId && dm.message.text.startsWith('Signal #'));
  /** The sweeper's grace is 30 s: past it, lost jobs are enqueued again. */
  const sweepLater = async (milliseconds = 2 * minute) => {
    test.clock.advance(milliseconds);
    await test.core.signals.sweep();
    await test.drain();
  };

  it('a free member gets a signal only after the tier’s 15-minute delay, a Pro member at once', async () => {
    await start();
    const free = await member();
    const pro = await member('pro');
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    expect(signalDms(pro.externalId)).toHaveLength(1);
    expect(signalDms(free.externalId)).toHaveLength(0);

    test.clock.advance(14 * minute);
    await test.core.signals.sweep();
    await test.drain();
    expect(signalDms(free.externalId)).toHaveLength(0);
    expect((await test.core.signals.deliveryOf(signal.id, free.userId))?.status).toBe('queued');

    await sweepLater(2 * minute);
    expect(signalDms(free.externalId)).toHaveLength(1);
    expect(signalDms(free.externalId)[0]!.message.text).toContain('LONG BTCUSDT');
    expect(await test.core.signals.deliveryCounts(signal.id)).toEqual({ sent: 2 });
  });

  it('50 concurrent deliveries for one member never pass the daily quota, and bring exactly one upgrade notice', async () => {
    await start();
    const free = await member();
    const published = [];
    for (let index = 0; index < 50; index += 1)
      published.push((await test.core.signals.publish(signalInput(), 'test')).signal);
    await test.drain();
    test.clock.advance(16 * minute);
    const deliveries = await test.core.db
      .select({ id: signalDeliveries.id })
      .from(signalDeliveries)
      .where(eq(signalDeliveries.userId, free.userId));
    expect(deliveries).toHaveLength(50);

    const outcomes = await Promise.all(deliveries.map((row) => test.core.signals.deliver(row.id)));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'skipped_quota')).toHaveLength(40);
    const [usage] = await test.core.db.select().from(quotaUsage).where(eq(quotaUsage.userId, free.userId));
    expect(usage?.used).toBe(10);
    expect(signalDms(free.externalId)).toHaveLength(10);
    const notices = discord.dms.filter(
      (dm) => dm.externalId === free.externalId && dm.message.text.includes('upgrade'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message.links?.[0]?.label).toBe('Upgrade');
    expect(await test.core.db.select().from(signalQuotaNotices)).toHaveLength(1);

    // Another signal the same day: still no second notice.
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await sweepLater(16 * minute);
    expect((await test.core.signals.deliveryOf(signal.id, free.userId))?.status).toBe('skipped_quota');
    expect(discord.dms.filter((dm) => dm.message.text.includes('upgrade'))).toHaveLength(1);
  });

  it('a member who turned signals off gets none, and the skip is recorded', async () => {
    await start();
    const quiet = await member('pro');
    const keen = await member('pro');
    await test.core.signals.setPreference(quiet.userId, { enabled: false });
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    expect(signalDms(quiet.externalId)).toHaveLength(0);
    expect(signalDms(keen.externalId)).toHaveLength(1);
    expect((await test.core.signals.deliveryOf(signal.id, quiet.userId))?.status).toBe('skipped_opt_out');
  });

  it('a planner killed mid fan-out and restarted by the sweeper delivers to every member exactly once', async () => {
    await start();
    const members = [];
    for (let index = 0; index < 10; index += 1) members.push(await member('core'));
    test.core.signals.faults.plannerDiesAfterBatches = 2;
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    const [stalled] = await test.core.db.select().from(signals).where(eq(signals.id, signal.id));
    expect(stalled?.fanoutStatus).toBe('planning');
    expect(Object.values(await test.core.signals.deliveryCounts(signal.id)).reduce((a, b) => a + b, 0)).toBe(6);

    delete test.core.signals.faults.plannerDiesAfterBatches;
    await sweepLater();
    await sweepLater();
    for (const { externalId } of members) expect(signalDms(externalId)).toHaveLength(1);
    expect(await test.core.signals.deliveryCounts(signal.id)).toEqual({ sent: 10 });
    const [planned] = await test.core.db.select().from(signals).where(eq(signals.id, signal.id));
    expect(planned?.fanoutStatus).toBe('planned');
  });

  it('a send that dies between claim and send is never sent again, even after sweeps', async () => {
    await start();
    const members = [await member('pro'), await member('pro'), await member('pro')];
    let crashed: string | undefined;
    test.core.signals.faults.crashBeforeSend = (deliveryId) => {
      if (crashed) return false;
      crashed = deliveryId;
      return true;
    };
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    await sweepLater();
    await sweepLater(10 * minute);
    expect(await test.core.signals.deliveryCounts(signal.id)).toEqual({ sent: 2, sending: 1 });
    const [victim] = await test.core.db.select().from(signalDeliveries).where(eq(signalDeliveries.id, crashed!));
    expect(signalDms(victim!.target)).toHaveLength(0);
    expect(members.map(({ externalId }) => signalDms(externalId).length).sort()).toEqual([0, 1, 1]);
  });

  it('a 429 reschedules the delivery after retry_after and it is sent once; repeated 5xx end as failed', async () => {
    await start({ SIGNAL_SEND_MAX_ATTEMPTS: '2', SIGNAL_RETRY_BASE_MS: '1000' });
    const limited = await member('pro');
    // The access-granted DM of the grant goes first, so the programmed failure hits the signal.
    await test.drain();
    discord.fail({
      code: 'platform_rate_limited',
      method: 'dm',
      externalId: limited.externalId,
      retryAfterMs: 1500,
      times: 1,
    });
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    const retried = await test.core.signals.deliveryOf(signal.id, limited.userId);
    expect(retried).toMatchObject({ status: 'queued', attempts: 1, errorCode: 'platform_rate_limited' });
    expect(retried!.dueAt.getTime() - test.clock.now().getTime()).toBe(1500);
    await sweepLater();
    expect(signalDms(limited.externalId)).toHaveLength(1);
    expect((await test.core.signals.deliveryOf(signal.id, limited.userId))?.status).toBe('sent');

    const down = await member('pro');
    await test.drain();
    discord.fail({ code: 'platform_unavailable', method: 'dm', externalId: down.externalId });
    const second = (await test.core.signals.publish(signalInput(), 'test')).signal;
    await test.drain();
    await sweepLater();
    await sweepLater();
    expect(await test.core.signals.deliveryOf(second.id, down.userId)).toMatchObject({
      status: 'failed',
      attempts: 2,
      errorCode: 'platform_unavailable',
    });
    expect(signalDms(limited.externalId)).toHaveLength(2);
  });

  it('a member who chose the channel reads it there: one channel post, no DM', async () => {
    await start();
    const reader = await member('pro');
    await test.core.signals.channels.set({ planId: 'pro', platform: 'discord', channelId: '555000111' });
    await test.core.signals.setPreference(reader.userId, { mode: 'channel' });
    const { signal } = await test.core.signals.publish(signalInput(), 'test');
    await test.drain();
    expect(signalDms(reader.externalId)).toHaveLength(0);
    expect(discord.channelMessages.map((post) => post.channelId)).toEqual(['555000111']);
    expect(await test.core.signals.deliveryCounts(signal.id)).toEqual({ sent: 1, via_channel: 1 });
  });
});

describe('the signal chain', () => {
  let test: TestApp;
  afterEach(async () => test?.close());

  it('concurrent publishes never fork the chain, and a retried key publishes once', async () => {
    test = await createTestApp();
    const inputs = Array.from({ length: 8 }, () => signalInput());
    const outcomes = await Promise.all(inputs.map((input) => test.core.signals.publish(input, 'test')));
    expect(outcomes.map((outcome) => outcome.signal.sequence).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const again = await test.core.signals.publish(inputs[3]!, 'test');
    expect(again.created).toBe(false);
    expect(again.signal.id).toBe(outcomes[3]!.signal.id);
    expect(await test.core.signals.verifyChain()).toMatchObject({ ok: true, count: 8 });
  });

  it('verify finds the first tampered row', async () => {
    test = await createTestApp();
    for (let index = 0; index < 4; index += 1) await test.core.signals.publish(signalInput(), 'test');
    await test.core.db.update(signals).set({ entry: '60000' }).where(eq(signals.sequence, 3));
    expect(await test.core.signals.verifyChain()).toEqual({
      ok: false,
      count: 2,
      brokenAt: 3,
      reason: 'hash_mismatch',
    });
    await test.core.db
      .update(signals)
      .set({ previousHash: 'f'.repeat(64) })
      .where(and(eq(signals.sequence, 2)));
    expect(await test.core.signals.verifyChain()).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
