import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { adminHeaders } from '../core/testing/test-core.js';
import { planPrices, subscriptions } from '../db/schema/index.js';
import { useStripeTestShop } from './testing/stripe-test-shop.js';

/**
 * What a member asks of a Stripe subscription (cancel, resume, cancel again), over HTTP, with
 * the real SDK against the fake Stripe, which replays an idempotency key's first answer as
 * Stripe does.
 */

type StatusAnswer = {
  subscription: { status: string; cancel_at_period_end: boolean; plan_id: string } | null;
  entitlements: { tier: string; status: string };
};

describe('stripe subscription intents', () => {
  const stripeTest = useStripeTestShop();

  const post = (url: string, payload: Record<string, unknown>) =>
    stripeTest.shop.harness.app.inject({ method: 'POST', url, headers: adminHeaders, payload });

  const subscriptionWrites = (subscriptionId: string) =>
    stripeTest.fake.requests.filter(
      (request) => request.method === 'POST' && request.path === `/v1/subscriptions/${subscriptionId}`,
    );

  it('cancel, resume, cancel again sends three distinct idempotency keys and Stripe ends canceling at period end', async () => {
    const member = await stripeTest.shop.subscriber('cancel-resume-cancel@example.com');

    const canceled = await post('/v1/billing/cancel', { user_id: member.userId });
    expect(canceled.statusCode, canceled.body).toBe(200);
    const resumed = await post('/v1/billing/resume', { user_id: member.userId });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json<StatusAnswer>()).toMatchObject({
      subscription: { status: 'active', cancel_at_period_end: false },
      entitlements: { tier: 'pro', status: 'active' },
    });
    const canceledAgain = await post('/v1/billing/cancel', { user_id: member.userId });
    expect(canceledAgain.statusCode, canceledAgain.body).toBe(200);

    const writes = subscriptionWrites(member.subscriptionId);
    expect(writes.map((write) => write.body['cancel_at_period_end'])).toEqual(['true', 'false', 'true']);
    const keys = writes.map((write) => write.idempotencyKey);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^cm-/);
    expect(stripeTest.fake.object('subscription', member.subscriptionId)).toMatchObject({ cancel_at_period_end: true });
    expect(canceledAgain.json<StatusAnswer>()).toMatchObject({
      subscription: { cancel_at_period_end: true },
      entitlements: { status: 'canceled_at_period_end' },
    });
  });

  it('a cancel retried after Stripe failed reuses its idempotency key', async () => {
    const member = await stripeTest.shop.subscriber('cancel-retry@example.com');
    // Stripe answers 400 (not retried by the SDK): the intent failed and nothing was stored.
    stripeTest.fake.failNext(`/v1/subscriptions/${member.subscriptionId}`, 400);
    const failed = await post('/v1/billing/cancel', { user_id: member.userId });
    expect(failed.statusCode).toBeGreaterThanOrEqual(400);
    const retried = await post('/v1/billing/cancel', { user_id: member.userId });
    expect(retried.statusCode, retried.body).toBe(200);

    const keys = subscriptionWrites(member.subscriptionId).map((write) => write.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('resume brings a canceling Stripe subscription back to active, and refuses what is not canceling or has ended with a stable code', async () => {
    const member = await stripeTest.shop.subscriber('resume-codes@example.com');
    const notCanceling = await post('/v1/billing/resume', { user_id: member.userId });
    expect(notCanceling.statusCode).toBe(409);
    expect(notCanceling.json()).toMatchObject({ error: { code: 'subscription_not_canceling' } });

    await post('/v1/billing/cancel', { user_id: member.userId, at_period_end: false });
    await stripeTest.shop.deliver(stripeTest.fake.drainEvents());
    await stripeTest.shop.settle();
    const ended = await post('/v1/billing/resume', { user_id: member.userId });
    expect(ended.statusCode).toBe(409);
    expect(ended.json()).toMatchObject({ error: { code: 'subscription_ended' } });

    const stranger = await stripeTest.shop.createUser('resume-stranger@example.com');
    const nothing = await post('/v1/billing/resume', { user_id: stranger });
    expect(nothing.statusCode).toBe(404);
    expect(nothing.json()).toMatchObject({ error: { code: 'subscription_not_found' } });
  });

  it('a cancel Stripe applied is reported as done even when the subscription’s price is not in our catalog', async () => {
    const member = await stripeTest.shop.subscriber('cancel-unknown-price@example.com');
    // The catalog forgets the Stripe price (a price made in the dashboard, a catalog reset).
    await stripeTest.shop.db
      .update(planPrices)
      .set({ stripePriceId: null })
      .where(eq(planPrices.id, 'pro_month_usd_v1'));
    const subscription = stripeTest.fake.object('subscription', member.subscriptionId)!;
    const items = subscription['items'] as { data: Array<{ price: { metadata: Record<string, string> } }> };
    for (const item of items.data) item.price.metadata = {};
    stripeTest.fake.seed(subscription);

    const canceled = await post('/v1/billing/cancel', { user_id: member.userId });
    expect(canceled.statusCode, canceled.body).toBe(200);
    expect(canceled.json<StatusAnswer>()).toMatchObject({
      subscription: { plan_id: 'pro', cancel_at_period_end: true },
      entitlements: { tier: 'pro', status: 'canceled_at_period_end' },
    });
    expect(stripeTest.fake.object('subscription', member.subscriptionId)).toMatchObject({ cancel_at_period_end: true });
    await stripeTest.shop.db
      .update(planPrices)
      .set({ stripePriceId: (items.data[0]!.price as unknown as { id: string }).id })
      .where(eq(planPrices.id, 'pro_month_usd_v1'));
  });

  it('a subscription status Stripe adds later reads as a non-granting state with a warning, never a 502', async () => {
    const member = await stripeTest.shop.subscriber('unknown-status@example.com');
    const warn = vi.spyOn(stripeTest.shop.harness.core.logger, 'warn');
    // Stripe tells us something changed; we fetch the subscription and read its new status.
    const [updated] = stripeTest.fake
      .cancelAtPeriodEnd(member.subscriptionId)
      .filter((event) => event.type === 'customer.subscription.updated');
    stripeTest.fake.seed({
      ...stripeTest.fake.object('subscription', member.subscriptionId)!,
      status: 'suspended_for_review',
    });
    await stripeTest.shop.deliver([updated!]);
    await stripeTest.shop.settle();

    const [stored] = await stripeTest.shop.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.providerSubscriptionId, member.subscriptionId));
    expect(stored).toMatchObject({ status: 'unpaid' });
    expect(await stripeTest.shop.refreshedEntitlements(member.userId)).toMatchObject({ tier: 'free' });
    const status = await stripeTest.shop.harness.app.inject({
      method: 'GET',
      url: `/v1/billing/subscription-status?user_id=${member.userId}`,
      headers: adminHeaders,
    });
    expect(status.statusCode).toBe(200);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'suspended_for_review', providerSubscriptionId: member.subscriptionId }),
      expect.stringContaining('status'),
    );
    warn.mockRestore();
  });
});
