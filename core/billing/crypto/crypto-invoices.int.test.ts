import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planPrices } from '../../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../testing/test-core.js';
import { addCalendarMonths } from '../add-calendar-months.js';
import { cryptoInvoice } from './testing/crypto-invoice-builder.js';
import { cryptoTestShop } from './testing/crypto-test-shop.js';
import { installFakeCryptoProvider } from './testing/fake-crypto-provider.js';

const start = new Date('2026-11-01T12:00:00.000Z');
const dayMs = 86_400_000;

describe('crypto invoices through the inbox', () => {
  let harness: TestApp;
  let btcpay: ReturnType<typeof installFakeCryptoProvider>;
  const shop = cryptoTestShop(() => harness);

  beforeAll(async () => {
    harness = await createTestApp();
    btcpay = installFakeCryptoProvider(harness);
  });
  beforeEach(() => harness.clock.set(start));
  afterAll(async () => harness?.close());

  /** What the revenue report books for btcpay at one instant. */
  const btcpayRevenue = async (at: Date) => {
    const report = await harness.core.revenueReport({ from: at, to: new Date(at.getTime() + 1) });
    return report.revenue_by_provider.find((entry) => entry.provider === 'btcpay');
  };

  const deliverAll = async (facts: Parameters<typeof btcpay.deliver>[0][]) => {
    for (const fact of facts) await btcpay.deliver(fact);
    await shop.expectAllProcessed();
  };

  it('a settled invoice for the monthly Pro price buys Pro for exactly one calendar month, recorded once with its coins', async () => {
    const { userId } = await shop.member();
    const { fact, price } = await shop.checkout(userId);
    await deliverAll([fact('open'), fact('processing'), fact('settled', [price.amountMinor])]);

    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
    const [line] = await shop.lines(userId);
    expect(line).toMatchObject({
      provider: 'btcpay',
      status: 'active',
      planId: 'pro',
      currentPeriodStart: start,
      currentPeriodEnd: addCalendarMonths(start, 1),
    });
    expect(line?.providerSubscriptionId).toMatch(/^crypto_[0-9a-f-]{36}$/);
    const [purchase] = await shop.purchases(userId);
    expect(purchase).toMatchObject({
      kind: 'subscription',
      amountMinor: 4900,
      providerSubscriptionId: line?.providerSubscriptionId,
      periodStart: start,
      periodEnd: addCalendarMonths(start, 1),
    });
    const ledger = await shop.ledger(userId);
    expect(ledger.map((entry) => [entry.account, entry.kind, entry.amountMinor])).toEqual([
      ['revenue', 'payment', 4900],
      ['vault', 'vault_contribution', 490],
    ]);
    expect(ledger[0]?.metadata).toMatchObject({
      payments: [{ crypto_code: 'BTC', crypto_amount: '0.09800000', rate: '50000.00', fiat_minor: 4900 }],
    });
    expect(await harness.core.crypto.balance(userId)).toEqual([]);
  });

  it('a second paid invoice continues the period exactly where the first stops', async () => {
    const { userId } = await shop.member();
    const first = await shop.checkout(userId);
    await deliverAll([first.fact('settled', [4900])]);
    harness.clock.advance(20 * dayMs);
    const second = await shop.checkout(userId);
    await deliverAll([second.fact('settled', [4900])]);

    const lines = await shop.lines(userId);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.currentPeriodEnd).toEqual(addCalendarMonths(addCalendarMonths(start, 1), 1));
    const bought = await shop.purchases(userId);
    expect(bought.map((purchase) => [purchase.periodStart, purchase.periodEnd])).toEqual([
      [start, addCalendarMonths(start, 1)],
      [addCalendarMonths(start, 1), addCalendarMonths(addCalendarMonths(start, 1), 1)],
    ]);
  });

  it('paying late within grace continues the same line from payment time; after grace a fresh line starts', async () => {
    const { userId } = await shop.member();
    const first = await shop.checkout(userId);
    await deliverAll([first.fact('settled', [4900])]);
    const end = addCalendarMonths(start, 1);

    harness.clock.set(new Date(end.getTime() + dayMs));
    await harness.core.crypto.runClock();
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'past_due' });
    const late = await shop.checkout(userId);
    await deliverAll([late.fact('settled', [4900])]);
    const paidAt = harness.clock.now();
    let lines = await shop.lines(userId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      status: 'active',
      pastDueSince: null,
      currentPeriodStart: paidAt,
      currentPeriodEnd: addCalendarMonths(paidAt, 1),
    });

    // Past grace: the clock ends the line, and the next payment starts a new one.
    const secondEnd = addCalendarMonths(paidAt, 1);
    harness.clock.set(new Date(secondEnd.getTime() + 4 * dayMs));
    await harness.core.crypto.runClock();
    await harness.core.crypto.runClock();
    expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
    const again = await shop.checkout(userId);
    await deliverAll([again.fact('settled', [4900])]);
    lines = await shop.lines(userId);
    expect(lines.map((line) => line.status)).toEqual(['canceled', 'active']);
    expect(lines[0]?.endedAt).toEqual(new Date(secondEnd.getTime() + 3 * dayMs));
    expect(lines[1]?.providerSubscriptionId).not.toEqual(lines[0]?.providerSubscriptionId);
    expect(lines[1]?.currentPeriodStart).toEqual(harness.clock.now());
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
  });

  it('a one-time price stays a one-time purchase: access for its days, no subscription line', async () => {
    const { userId } = await shop.member();
    const [price] = await harness.core.db
      .insert(planPrices)
      .values({
        id: 'pro_once_usd_crypto_test',
        planId: 'pro',
        interval: 'one_time',
        amountMinor: 3000,
        currency: 'usd',
        version: 1,
        accessDays: 30,
      })
      .onConflictDoNothing()
      .returning();
    const { fact } = await shop.checkout(userId, 'pro', 'month', price);
    await deliverAll([fact('settled', [3000])]);
    expect(await shop.lines(userId)).toEqual([]);
    expect(await shop.purchases(userId)).toMatchObject([
      { kind: 'one_time', amountMinor: 3000, providerSubscriptionId: null },
    ]);
    expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
    harness.clock.advance(31 * dayMs);
    expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
  });

  describe('odd payments end in a defined state, every amount in the ledger once', () => {
    it('partial payment then expiry: nothing granted, the settled amount credited', async () => {
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('open', [2000]), fact('expired', [2000])]);
      expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
      expect(await shop.purchases(userId)).toEqual([]);
      expect(await shop.ledgerSums(userId)).toEqual({ crypto_balance: 2000 });
      expect(await harness.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 2000 }]);
    });

    it('over-payment: Pro granted at its price, the excess credited', async () => {
      // An instant no other test books money at, for the revenue report below.
      const paidAt = new Date('2027-06-01T00:00:00.000Z');
      harness.clock.set(paidAt);
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('settled', [4000, 2000])]);
      expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
      expect(await shop.ledgerSums(userId)).toEqual({ revenue: 4900, vault: 490, crypto_balance: 1100 });
      // The credit is the member's money, not revenue.
      const after = await btcpayRevenue(paidAt);
      expect(after).toMatchObject({ gross_minor: 4900, disputes_minor: 0, net_minor: 4900 });
    });

    it('within the 1 % tolerance the settled amount buys the plan; beyond it, it is credited', async () => {
      const near = await shop.member();
      const nearCheckout = await shop.checkout(near.userId);
      await deliverAll([nearCheckout.fact('settled', [4851])]);
      expect(await shop.access(near.userId)).toEqual({ tier: 'pro', status: 'active' });
      expect(await shop.ledgerSums(near.userId)).toEqual({ revenue: 4851, vault: 485 });

      const short = await shop.member();
      const shortCheckout = await shop.checkout(short.userId);
      await deliverAll([shortCheckout.fact('expired', [4850])]);
      expect(await shop.access(short.userId)).toMatchObject({ tier: 'free' });
      expect(await shop.ledgerSums(short.userId)).toEqual({ crypto_balance: 4850 });
    });

    it('paid after expiry covering the price: granted (it is a payment)', async () => {
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('expired'), fact('expired', [4900], { paidLate: true })]);
      expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
      expect(await shop.ledgerSums(userId)).toEqual({ revenue: 4900, vault: 490 });
    });

    it('paid late but short: credited', async () => {
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('expired'), fact('expired', [3000], { paidLate: true })]);
      expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
      expect(await shop.ledgerSums(userId)).toEqual({ crypto_balance: 3000 });
    });

    it('partial, expired, then the rest paid late: granted, the earlier credit taken back into the payment', async () => {
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('expired', [2000]), fact('expired', [2000, 2900], { paidLate: true })]);
      expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
      expect(await shop.ledgerSums(userId)).toEqual({ revenue: 4900, vault: 490, crypto_balance: 0 });
      expect(await harness.core.crypto.balance(userId)).toEqual([]);
    });

    it('a payment that never confirms: nothing granted, nothing credited', async () => {
      const { userId } = await shop.member();
      const { fact, invoiceId } = await shop.checkout(userId);
      const pending = cryptoInvoice({ ...fact('processing'), payments: [] });
      await deliverAll([
        { ...pending, pendingMinor: 4900 },
        fact('invalid', [], { payments: [{ ...fact('open', [4900]).payments[0]!, status: 'invalid' }] }),
      ]);
      expect(invoiceId).toBeTruthy();
      expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
      expect(await shop.purchases(userId)).toEqual([]);
      expect(await shop.ledger(userId)).toEqual([]);
    });

    it('store marked settled: granted at the price the store vouches for', async () => {
      const { userId } = await shop.member();
      const { fact } = await shop.checkout(userId);
      await deliverAll([fact('expired'), fact('settled', [], { manuallyMarked: true })]);
      expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
      expect(await shop.ledgerSums(userId)).toEqual({ revenue: 4900, vault: 490 });
    });

    for (const voidState of ['invalid', 'refunded'] as const)
      it(`${voidState} after a grant: a full refund, access removed, the line ended`, async () => {
        const { userId } = await shop.member();
        const { fact } = await shop.checkout(userId);
        await deliverAll([fact('settled', [5000])]);
        expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
        await deliverAll([fact(voidState, [5000], { manuallyMarked: voidState === 'invalid' })]);
        expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
        const ledger = await shop.ledger(userId);
        expect(ledger.map((entry) => [entry.account, entry.kind, entry.amountMinor])).toEqual([
          ['revenue', 'payment', 4900],
          ['vault', 'vault_contribution', 490],
          ['crypto_balance', 'crypto_credit', 100],
          ['revenue', 'refund', -4900],
          ['vault', 'vault_reversal', -490],
          ['crypto_balance', 'crypto_credit_reversal', -100],
        ]);
        const [purchase] = await shop.purchases(userId);
        expect(purchase?.amountRefundedMinor).toBe(4900);
        expect((await shop.lines(userId))[0]?.status).toBe('canceled');
        // Void is final: a stale settled fact afterwards changes nothing.
        await deliverAll([fact('settled', [5000])]);
        expect(await shop.ledger(userId)).toHaveLength(6);
        expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
      });

    it('voiding an earlier prepaid period keeps the later paid one; voiding the latest ends the line', async () => {
      const { userId } = await shop.member();
      const first = await shop.checkout(userId);
      const second = await shop.checkout(userId);
      await deliverAll([first.fact('settled', [4900]), second.fact('settled', [4900])]);
      await deliverAll([first.fact('refunded', [4900])]);
      expect(await shop.access(userId)).toEqual({ tier: 'pro', status: 'active' });
      expect((await shop.lines(userId))[0]?.status).toBe('active');
      await deliverAll([second.fact('invalid', [4900], { manuallyMarked: true })]);
      expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
      expect(await shop.ledgerSums(userId)).toEqual({ revenue: 0, vault: 0 });
    });

    it('an invoice tied to a member but to no checkout of ours buys nothing: its money is credited', async () => {
      const { userId } = await shop.member();
      await deliverAll([
        cryptoInvoice({
          providerInvoiceId: 'store-made-1',
          checkoutId: null,
          userId,
          priceMinor: 5000,
          state: 'settled',
          payments: [{ ...(await shop.checkout(userId)).fact('open', [5000]).payments[0]!, providerPaymentId: 'x' }],
        }),
      ]);
      expect(await shop.ledgerSums(userId)).toEqual({ crypto_balance: 5000 });
      expect(await shop.access(userId)).toMatchObject({ tier: 'free' });
    });
  });
});
