import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identities, notificationState, notifications } from '../../db/schema/index.js';
import { formatDate } from '../formatting.js';
import { createFakeChatPlatform, type FakeChatPlatform } from '../testing/fake-chat-platform.js';
import { sandboxShop } from '../testing/sandbox-shop.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('notifications', () => {
  let harness: TestApp;
  let discord: FakeChatPlatform;
  let telegram: FakeChatPlatform;
  const shop = sandboxShop(() => harness);
  let nextId = 0;

  async function member() {
    nextId += 1;
    const externalId = `81000000000000${String(nextId).padStart(4, '0')}`;
    const { id } = await harness.createUser({
      email: `dm${nextId}@example.com`,
      platform: 'discord',
      external_id: externalId,
    });
    return { userId: id, externalId };
  }
  const dmsTo = (externalId: string) =>
    discord.dms.filter((dm) => dm.externalId === externalId).map((dm) => dm.message);
  const kindsOf = async (userId: string) =>
    (await harness.core.notifications.listFor(userId)).map((row) => `${row.kind}:${row.status}`).sort();

  beforeAll(async () => {
    harness = await createTestApp();
    discord = createFakeChatPlatform({ name: 'discord' });
    telegram = createFakeChatPlatform({ name: 'telegram' });
    harness.core.access.registerPlatform(discord.platform);
    harness.core.access.registerPlatform(telegram.platform);
  });
  afterAll(async () => harness?.close());

  it('a purchase sends access_granted and a receipt with plan, amount and date', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'pro');
    // The invoice lands after the subscription already changed the entitlement: the sweep has it.
    await harness.core.notifications.sweepReceipts();
    expect(await kindsOf(userId)).toEqual(['access_granted:sent', 'payment_received:sent']);
    const texts = dmsTo(externalId).map((message) => message.text);
    expect(texts).toContainEqual(expect.stringContaining('You now have Pro.'));
    expect(texts).toContainEqual(`Payment received, thank you. Pro: $49.00 on ${formatDate(harness.clock.now())}.`);
  });

  it('the same entitlement change delivered twice, even with the state lost, sends one DM', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'core');
    await harness.core.notifications.entitlementsChanged({ userId });
    const sent = dmsTo(externalId).length;
    await harness.core.notifications.entitlementsChanged({ userId });
    // As if the job that recorded what the member was told never committed: the key still holds.
    await harness.core.db.delete(notificationState).where(eq(notificationState.userId, userId));
    await Promise.all([
      harness.core.notifications.entitlementsChanged({ userId }),
      harness.core.notifications.entitlementsChanged({ userId }),
    ]);
    expect(dmsTo(externalId)).toHaveLength(sent);
    expect(await kindsOf(userId)).toEqual(['access_granted:sent', 'payment_received:sent']);
  });

  it('a failed payment sends payment_failed with the fix link', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'pro');
    harness.clock.set(await shop.periodEnd(userId));
    await shop.failPayment(userId);
    expect(await kindsOf(userId)).toContain('payment_failed:sent');
    const message = dmsTo(externalId).find((each) => each.text.includes('did not go through'));
    expect(message?.links).toEqual([
      { label: 'Update payment method', url: expect.stringMatching(/^http:\/\/shop\.test\/m\/\S+$/) },
    ]);
  });

  it('cancel at period end sends access_ending with the end date, then access_revoked when it ends', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'pro');
    const periodEnd = await shop.periodEnd(userId);
    await shop.cancelAtPeriodEnd(userId);
    expect(dmsTo(externalId)).toContainEqual(
      expect.objectContaining({ text: expect.stringContaining(`access ends on ${formatDate(periodEnd)}`) }),
    );
    harness.clock.set(new Date(periodEnd.getTime() + 1000));
    await harness.core.entitlements.sweepDue();
    await harness.drain();
    expect(await kindsOf(userId)).toEqual([
      'access_ending:sent',
      'access_granted:sent',
      'access_revoked:sent',
      'payment_received:sent',
    ]);
    expect(dmsTo(externalId).at(-1)?.text).toContain('subscription ended');
  });

  it('a refund sends access_revoked with the reason', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'core');
    await shop.refundLatest(userId);
    expect(await kindsOf(userId)).toContain('access_revoked:sent');
    expect(dmsTo(externalId).at(-1)?.text).toBe(
      'Your paid access was removed. Your Core payment was refunded, so paid access was removed. Send /tiers to see the plans.',
    );
  });

  it('the renewal reminder is sent once per period, only inside the reminder window', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'core');
    const periodEnd = await shop.periodEnd(userId);
    harness.clock.set(new Date(periodEnd.getTime() - 4 * 86_400_000));
    await harness.core.notifications.sendRenewalReminders();
    expect(await kindsOf(userId)).not.toContain('renewal_coming:sent');

    harness.clock.set(new Date(periodEnd.getTime() - 2 * 86_400_000));
    await harness.core.notifications.sendRenewalReminders();
    await harness.core.notifications.sendRenewalReminders();
    harness.clock.advance(86_400_000);
    await harness.core.notifications.sendRenewalReminders();
    const reminders = dmsTo(externalId).filter((message) => message.text.includes('plan renews on'));
    expect(reminders).toEqual([
      {
        text: `Your Core plan renews on ${formatDate(periodEnd)} for $9.00.`,
        links: [{ label: 'Manage subscription', url: expect.stringMatching(/^http:\/\/shop\.test\/m\/\S+$/) }],
      },
    ]);
  });

  it('a receipt whose job was lost is sent by the sweep, once', async () => {
    const { userId, externalId } = await member();
    await shop.subscribe(userId, 'core');
    await harness.core.db
      .delete(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'payment_received')));
    const before = dmsTo(externalId).length;
    await harness.core.notifications.sweepReceipts();
    await harness.core.notifications.sweepReceipts();
    expect(dmsTo(externalId)).toHaveLength(before + 1);
  });

  it('the DM goes to the chat account the member used last; with none it is recorded as no_channel', async () => {
    const { userId, externalId } = await member();
    await harness.core.db.insert(identities).values({ userId, platform: 'telegram', externalId: '7100001' });
    const send = (text: string) =>
      harness.core.notifications.notify(userId, 'access_granted', `test:${text}`, { text });
    const seen = (platform: string, at: Date) =>
      harness.core.db
        .update(identities)
        .set({ lastSeenAt: at })
        .where(and(eq(identities.userId, userId), eq(identities.platform, platform)));
    // Neither account used yet: the newest one.
    await send('one');
    expect(telegram.dms.at(-1)).toEqual({ externalId: '7100001', message: { text: 'one' } });
    // An account that was used beats one never used.
    await seen('discord', harness.clock.now());
    await send('two');
    expect(dmsTo(externalId).at(-1)).toEqual({ text: 'two' });
    await seen('telegram', new Date(harness.clock.now().getTime() + 60_000));
    await send('three');
    expect(telegram.dms.at(-1)).toEqual({ externalId: '7100001', message: { text: 'three' } });

    const { id: emailOnly } = await harness.createUser({ email: 'no-chat@example.com' });
    expect(
      await harness.core.notifications.notify(emailOnly, 'access_granted', `test:${emailOnly}`, { text: 'x' }),
    ).toBe('no_channel');
    expect(await kindsOf(emailOnly)).toEqual(['access_granted:no_channel']);
  });

  it('a failed send may be retried, and one key never produces two delivered DMs', async () => {
    const { userId, externalId } = await member();
    discord.fail({ code: 'platform_unavailable', method: 'dm', externalId, times: 1 });
    const send = () =>
      harness.core.notifications.notify(userId, 'renewal_coming', `test:retry:${userId}`, { text: 'hi' });
    expect(await send()).toBe('failed');
    expect(await kindsOf(userId)).toEqual(['renewal_coming:failed']);
    const [retried, concurrent] = await Promise.all([send(), send()]);
    expect([retried, concurrent].sort()).toEqual(['duplicate', 'sent']);
    expect(await send()).toBe('duplicate');
    expect(dmsTo(externalId)).toEqual([{ text: 'hi' }]);
  });
});
