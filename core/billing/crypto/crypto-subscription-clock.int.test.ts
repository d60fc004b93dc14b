import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatDate } from '../../formatting.js';
import { createFakeChatPlatform, type FakeChatPlatform } from '../../testing/fake-chat-platform.js';
import { createTestApp, type TestApp } from '../../testing/test-core.js';
import { addCalendarMonths } from '../add-calendar-months.js';
import { btcPayment, cryptoInvoice } from './testing/crypto-invoice-builder.js';
import { cryptoTestShop } from './testing/crypto-test-shop.js';
import { installFakeCryptoProvider } from './testing/fake-crypto-provider.js';

const start = new Date('2026-11-01T12:00:00.000Z');
const dayMs = 86_400_000;

describe('the crypto subscription clock', () => {
  let harness: TestApp;
  let discord: FakeChatPlatform;
  let btcpay: ReturnType<typeof installFakeCryptoProvider>;
  const shop = cryptoTestShop(() => harness);
  let storeInvoices = 0;

  beforeAll(async () => {
    harness = await createTestApp();
    discord = createFakeChatPlatform({ name: 'discord' });
    harness.core.access.registerPlatform(discord.platform);
    btcpay = installFakeCryptoProvider(harness);
  });
  beforeEach(() => harness.clock.set(start));
  afterAll(async () => harness?.close());

  /** A member with Pro bought by crypto now, and optionally crypto credit from a store-made invoice. */
  async function subscribed(creditMinor = 0) {
    const member = await shop.member();
    if (creditMinor > 0) {
      storeInvoices += 1;
      await btcpay.deliver(
        cryptoInvoice({
          providerInvoiceId: `store-${storeInvoices}`,
          checkoutId: null,
          userId: member.userId,
          priceMinor: creditMinor,
          state: 'settled',
          payments: [btcPayment(`store-${storeInvoices}-tx`, creditMinor)],
        }),
      );
    }
    const { fact } = await shop.checkout(member.userId);
    await btcpay.deliver(fact('settled', [4900]));
    await shop.expectAllProcessed();
    return { ...member, periodEnd: addCalendarMonths(start, 1) };
  }

  it('past due at period end, access kept through grace, then ended with access removed; running twice changes nothing more', async () => {
    const { userId, periodEnd } = await subscribed();
    harness.clock.set(new Date(periodEnd.getTime() + 60_000));
    await harness.core.crypto.runClock();
    await harness.core.crypto.runClock();
    let [line] = await shop.lines(userId);
    expect(line).toMatchObject({ status: 'past_due', pastDueSince: periodEnd });
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'past_due' });
    expect((await harness.core.entitlements.get(userId)).explanation).toBe(
      `Your Pro crypto period ended; access is kept until ${formatDate(new Date(periodEnd.getTime() + 3 * dayMs))}: pay the renewal to continue where it stopped.`,
    );

    harness.clock.set(new Date(periodEnd.getTime() + 3 * dayMs - 60_000));
    await harness.core.crypto.runClock();
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'past_due' });

    harness.clock.set(new Date(periodEnd.getTime() + 3 * dayMs + 60_000));
    const first = await harness.core.crypto.runClock();
    const second = await harness.core.crypto.runClock();
    expect(first.ended).toBeGreaterThanOrEqual(1);
    expect(second.ended).toBe(0);
    [line] = await shop.lines(userId);
    expect(line).toMatchObject({ status: 'canceled', endedAt: new Date(periodEnd.getTime() + 3 * dayMs) });
    expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
    expect(await shop.purchases(userId)).toHaveLength(1);
  });

  it('renews from crypto credit at period end, exactly once, and tells the member', async () => {
    const { userId, externalId, periodEnd } = await subscribed(5000);
    expect(await harness.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 5000 }]);
    harness.clock.set(new Date(periodEnd.getTime() + 30_000));
    await Promise.all([harness.core.crypto.runClock(), harness.core.crypto.runClock()]);
    await harness.core.crypto.runClock();

    const [line] = await shop.lines(userId);
    expect(line).toMatchObject({
      status: 'active',
      currentPeriodStart: periodEnd,
      currentPeriodEnd: addCalendarMonths(periodEnd, 1),
    });
    const bought = await shop.purchases(userId);
    expect(bought.map((each) => [each.amountMinor, each.periodStart, each.periodEnd])).toEqual([
      [4900, start, periodEnd],
      [4900, periodEnd, addCalendarMonths(periodEnd, 1)],
    ]);
    expect(bought[1]?.providerPaymentId).toMatch(/^balance_crypto_/);
    expect(await shop.ledgerSums(userId)).toEqual({ revenue: 9800, vault: 980, crypto_balance: 100 });
    expect(await harness.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 100 }]);
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });

    await harness.core.notifications.sweepReceipts();
    const receipts = discord.dms.filter(
      (dm) => dm.externalId === externalId && dm.message.text.startsWith('Payment received'),
    );
    expect(receipts).toHaveLength(1);
    const renewalDms = discord.dms.filter(
      (dm) => dm.externalId === externalId && dm.message.text.includes('renewed from your crypto credit'),
    );
    expect(renewalDms).toHaveLength(1);
    expect(renewalDms[0]?.message.text).toContain('$49.00');
    expect(renewalDms[0]?.message.text).toContain('Credit left: $1.00');
  });

  it('credit that arrives during grace renews from then: the gap is not charged', async () => {
    const { userId, periodEnd } = await subscribed();
    harness.clock.set(new Date(periodEnd.getTime() + dayMs));
    await harness.core.crypto.runClock();
    const { fact } = await shop.checkout(userId);
    await btcpay.deliver(fact('expired', [4000]));
    storeInvoices += 1;
    await btcpay.deliver(
      cryptoInvoice({
        providerInvoiceId: `store-${storeInvoices}`,
        checkoutId: null,
        userId,
        priceMinor: 900,
        state: 'settled',
        payments: [btcPayment(`store-${storeInvoices}-tx`, 900)],
      }),
    );
    await shop.expectAllProcessed();
    expect(await harness.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 4900 }]);
    await harness.core.crypto.runClock();
    const [line] = await shop.lines(userId);
    const now = harness.clock.now();
    expect(line).toMatchObject({
      status: 'active',
      currentPeriodStart: now,
      currentPeriodEnd: addCalendarMonths(now, 1),
    });
    expect(await harness.core.crypto.balance(userId)).toEqual([]);
  });

  it('cancel at period end means no renewal, even with credit; the line ends at its period end', async () => {
    const { userId, periodEnd } = await subscribed(5000);
    await harness.core.subscriptions.cancel({ userId, atPeriodEnd: true }, 'test');
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'canceled_at_period_end' });
    harness.clock.set(new Date(periodEnd.getTime() + 60_000));
    await harness.core.crypto.runClock();
    const [line] = await shop.lines(userId);
    expect(line).toMatchObject({ status: 'canceled', endedAt: periodEnd });
    expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
    expect(await shop.purchases(userId)).toHaveLength(1);
    expect(await harness.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 5000 }]);
  });

  it('resume withdraws the cancel so credit renews again; a plan change is refused with its code', async () => {
    const { userId, periodEnd } = await subscribed(5000);
    await harness.core.subscriptions.cancel({ userId, atPeriodEnd: true }, 'test');
    await harness.core.subscriptions.resume({ userId }, 'test');
    expect((await shop.lines(userId))[0]?.cancelAtPeriodEnd).toBe(false);
    await expect(
      harness.core.subscriptions.changePlan({ userId, planId: 'vip', prorate: true }, 'test'),
    ).rejects.toMatchObject({
      code: 'crypto_plan_change_unavailable',
    });
    harness.clock.set(new Date(periodEnd.getTime() + 60_000));
    await harness.core.crypto.runClock();
    expect((await shop.lines(userId))[0]).toMatchObject({ status: 'active', currentPeriodStart: periodEnd });
  });

  it('renewal reminders: a pay link 3 days ahead and on the last day, once each; credit that covers it is announced instead', async () => {
    const { userId, externalId, periodEnd } = await subscribed();
    const dmsOf = (id: string) => discord.dms.filter((dm) => dm.externalId === id).map((dm) => dm.message);
    harness.clock.set(new Date(periodEnd.getTime() - 2 * dayMs));
    await harness.core.crypto.sendRenewalReminders();
    await harness.core.crypto.sendRenewalReminders();
    // The card reminder ("renews on …") would promise a charge crypto cannot make.
    await harness.core.notifications.sendRenewalReminders();
    let texts = dmsOf(externalId);
    expect(texts.filter((message) => message.text.includes('Crypto does not renew by itself'))).toHaveLength(1);
    expect(texts.filter((message) => message.text.includes('plan renews on'))).toHaveLength(0);
    expect((await harness.core.entitlements.get(userId)).explanation).toBe(
      `Pro is paid in crypto until ${formatDate(periodEnd)}.`,
    );
    const ahead = texts.find((message) => message.text.includes('Crypto does not renew by itself'));
    expect(ahead?.links?.[0]?.url).toMatch(/^http:\/\/shop\.test\/c\/\S+$/);

    harness.clock.set(new Date(periodEnd.getTime() - 12 * 3_600_000));
    await harness.core.crypto.sendRenewalReminders();
    await harness.core.crypto.sendRenewalReminders();
    texts = dmsOf(externalId);
    expect(texts.filter((message) => message.text.startsWith('Last day: your Pro plan'))).toHaveLength(1);

    harness.clock.set(start);
    const withCredit = await subscribed(5000);
    harness.clock.set(new Date(withCredit.periodEnd.getTime() - 2 * dayMs));
    await harness.core.crypto.sendRenewalReminders();
    expect(dmsOf(withCredit.externalId).map((message) => message.text)).toContainEqual(
      expect.stringContaining('Your crypto credit covers the $49.00 renewal'),
    );
    expect(userId).toBeTruthy();
  });
});
