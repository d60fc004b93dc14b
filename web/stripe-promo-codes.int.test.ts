import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, type StripeEvent, startFakeStripeServer } from '../core/testing/fake-stripe-server.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import {
  billingLedger,
  checkoutSessions,
  paymentEvents,
  promotionRedemptions,
  promotions,
  purchases,
} from '../db/schema/index.js';

/**
 * Promo codes on the Stripe path: the adapter makes the coupon, the Checkout Session carries
 * it, and what we record is what Stripe says was paid (the real SDK against the fake Stripe).
 */

const webhookSecret = 'whsec_promo';
const minuteMs = 60_000;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe('promo codes through Stripe', () => {
  let fake: FakeStripe;
  let harness: TestApp;

  beforeAll(async () => {
    fake = await startFakeStripeServer();
    harness = await createTestApp({
      BILLING_PROVIDER_MODE: 'stripe',
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_API_BASE: fake.url,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
    });
    fake.setNow(harness.clock.now());
  });
  afterAll(async () => {
    await harness?.close();
    await fake?.close();
  });

  const at = (date: Date) => {
    harness.clock.set(date);
    fake.setNow(date);
  };

  const deliver = async (events: StripeEvent[]) => {
    for (const event of events) {
      const { body, signature } = fake.signEvent(event, webhookSecret, seconds(harness.clock.now()));
      const response = await harness.app.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    // Events that wait for a prerequisite are retried as in production: time passes, the sweeper runs.
    await harness.drain();
    for (let round = 0; round < 40; round += 1) {
      const open = await harness.core.db
        .select({ id: paymentEvents.id })
        .from(paymentEvents)
        .where(inArray(paymentEvents.status, ['pending', 'processing', 'failed']));
      if (open.length === 0) break;
      at(new Date(harness.clock.now().getTime() + 10 * minuteMs));
      await harness.core.sweepPaymentEvents();
      await harness.drain();
    }
  };

  /** /redeem, the personal checkout link opened in the browser, and the member paying at Stripe. */
  const redeemAndPay = async (email: string, code: string) => {
    const { id: userId } = await harness.createUser({ email });
    await harness.core.referrals.redeem(userId, code);
    const link = await harness.core.links.checkoutLink({ userId, planId: 'pro', method: 'card' });
    const opened = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    expect(opened.statusCode, opened.body).toBe(303);
    const [session] = await harness.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, userId));
    const events = fake.completeCheckout(session!.providerSessionId!);
    await deliver(events);
    const subscriptionId = events.find((event) => event.type === 'checkout.session.completed')!.data.object[
      'subscription'
    ] as string;
    return { userId, subscriptionId, session: session! };
  };

  /** Moves both clocks just past the subscription's current period, where Stripe bills the next one. */
  const pastPeriodEnd = (subscriptionId: string) => {
    const subscription = fake.object('subscription', subscriptionId) as unknown as {
      items: { data: { current_period_end: number }[] };
    };
    at(new Date((subscription.items.data[0]!.current_period_end + 60) * 1000));
  };

  const paidAmounts = async (userId: string) =>
    (
      await harness.core.db
        .select({ amount: purchases.amountMinor })
        .from(purchases)
        .where(eq(purchases.userId, userId))
        .orderBy(asc(purchases.paidAt))
    ).map((row) => row.amount);

  it('the Checkout Session carries our coupon, and the discounted invoice amount is what is recorded', async () => {
    await harness.core.promotions.create(
      { code: 'STRIPE20', percent_off: 20, duration: 'once', plan_ids: [], max_redemptions: 50 },
      'test:moderator',
    );
    const { userId, subscriptionId, session } = await redeemAndPay('first@example.com', 'STRIPE20');

    const couponCreates = fake.requests.filter(
      (request) => request.method === 'POST' && request.path === '/v1/coupons',
    );
    expect(couponCreates).toHaveLength(1);
    expect(couponCreates[0]!.body).toMatchObject({
      id: 'cm_STRIPE20',
      percent_off: '20',
      duration: 'once',
      max_redemptions: '50',
    });
    expect(couponCreates[0]!.idempotencyKey).toBe('cm-coupon-STRIPE20');
    const sessionCreate = fake.requests.find(
      (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions',
    );
    expect(sessionCreate?.body).toMatchObject({ discounts: [{ coupon: 'cm_STRIPE20' }] });
    expect(session.promotionCode).toBe('STRIPE20');

    expect(await paidAmounts(userId)).toEqual([3920]);
    const ledger = await harness.core.db.select().from(billingLedger).where(eq(billingLedger.userId, userId));
    expect(ledger.map((entry) => [entry.kind, entry.amountMinor]).sort()).toEqual([
      ['payment', 3920],
      ['vault_contribution', 392],
    ]);
    const redemptions = await harness.core.db
      .select()
      .from(promotionRedemptions)
      .where(eq(promotionRedemptions.userId, userId));
    expect(redemptions).toHaveLength(1);

    // `once`: the renewal is billed at full price by Stripe, and recorded as such.
    pastPeriodEnd(subscriptionId);
    await deliver(fake.renewSubscription(subscriptionId));
    expect(await paidAmounts(userId)).toEqual([3920, 4900]);
  });

  it('the coupon is made once and remembered: the next checkout with the code asks Stripe nothing about it', async () => {
    const before = fake.requests.filter((request) => request.path.startsWith('/v1/coupons')).length;
    const [stored] = await harness.core.db.select().from(promotions).where(eq(promotions.code, 'STRIPE20'));
    expect(stored?.stripeCouponId).toBe('cm_STRIPE20');

    const { userId } = await redeemAndPay('second@example.com', 'STRIPE20');
    expect(fake.requests.filter((request) => request.path.startsWith('/v1/coupons')).length).toBe(before);
    expect(await paidAmounts(userId)).toEqual([3920]);
    expect(fake.object('coupon', 'cm_STRIPE20')).toMatchObject({ times_redeemed: 2 });
  });

  it('an amount off in minor units reaches Stripe as amount_off and currency, repeating for its months', async () => {
    await harness.core.promotions.create(
      { code: 'TENOFF', amount_off_minor: 1000, duration: 'repeating', duration_in_months: 2, plan_ids: [] },
      'test:moderator',
    );
    const { userId, subscriptionId } = await redeemAndPay('third@example.com', 'TENOFF');
    expect(
      fake.requests.find((request) => request.path === '/v1/coupons' && request.body['id'] === 'cm_TENOFF')?.body,
    ).toMatchObject({ amount_off: '1000', currency: 'usd', duration: 'repeating', duration_in_months: '2' });

    for (let renewal = 0; renewal < 2; renewal += 1) {
      pastPeriodEnd(subscriptionId);
      await deliver(fake.renewSubscription(subscriptionId));
    }
    expect(await paidAmounts(userId)).toEqual([3900, 3900, 4900]);
  });
});
