import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../ports/payment-provider.js';
import {
  checkoutInput,
  createSandboxHarness,
  days,
  proMonthly,
  type SandboxHarness,
  vipMonthly,
} from '../../../testing/sandbox-test-harness.js';

let harness: SandboxHarness;
beforeAll(async () => {
  harness = await createSandboxHarness();
});
afterAll(() => harness.close());

/** A paid, active monthly subscription; the deliveries of its checkout are already consumed. */
async function activeSubscription(): Promise<{ subscriptionId: string; userId: string }> {
  const input = checkoutInput();
  const { providerSessionId } = await harness.provider.createCheckout(input);
  await harness.provider.payCheckout(providerSessionId);
  await harness.receive();
  const view = await harness.provider.getCheckout(providerSessionId);
  return { subscriptionId: view.providerSubscriptionId!, userId: input.userId };
}

const paymentOf = (event: NormalizedEvent | undefined) => {
  if (event?.kind !== 'payment.succeeded') throw new Error(`expected payment.succeeded, got ${event?.kind}`);
  return event.payment;
};

const snapshotOf = async (subscriptionId: string) => {
  const snapshot = await harness.provider.fetchSubscription(subscriptionId);
  if (!snapshot) throw new Error('subscription missing');
  return snapshot;
};

describe('sandbox subscription lifecycle', () => {
  it('fetchSubscription of an unknown id is null', async () => {
    expect(await harness.provider.fetchSubscription('sbx_sub_missing')).toBeNull();
  });

  it('observedAt grows with every change, so core never applies an older snapshot over a newer one', async () => {
    const { subscriptionId } = await activeSubscription();
    const stamps = [(await snapshotOf(subscriptionId)).observedAt];
    await harness.provider.renewSubscription(subscriptionId);
    stamps.push((await snapshotOf(subscriptionId)).observedAt);
    await harness.provider.failPayment(subscriptionId);
    stamps.push((await snapshotOf(subscriptionId)).observedAt);
    await harness.provider.recoverPayment(subscriptionId);
    stamps.push((await snapshotOf(subscriptionId)).observedAt);
    stamps.push(
      (
        await harness.provider.cancel({
          providerSubscriptionId: subscriptionId,
          atPeriodEnd: true,
          idempotencyKey: 'c1',
        })
      ).observedAt,
    );
    await harness.provider.endSubscription(subscriptionId);
    stamps.push((await snapshotOf(subscriptionId)).observedAt);
    for (let index = 1; index < stamps.length; index += 1) expect(stamps[index]).toBeGreaterThan(stamps[index - 1]!);
    await harness.receive();
  });

  it('renewing pays the next period and sends payment.succeeded then subscription.updated', async () => {
    const { subscriptionId, userId } = await activeSubscription();
    const before = await snapshotOf(subscriptionId);
    harness.advance(days(28));
    const eventIds = await harness.provider.renewSubscription(subscriptionId);
    const delivered = await harness.receive();
    expect(delivered.map((item) => [item.verified.providerEventId, item.verified.eventType])).toEqual([
      [eventIds[0], 'payment.succeeded'],
      [eventIds[1], 'subscription.updated'],
    ]);
    const payment = paymentOf(delivered[0]?.event);
    expect(payment).toMatchObject({
      kind: 'subscription',
      userId,
      providerSubscriptionId: subscriptionId,
      amountMinor: 4900,
      periodStart: before.currentPeriodEnd,
      periodEnd: new Date('2025-03-31T12:00:00Z'),
    });
    expect(delivered[1]?.event).toEqual({
      kind: 'subscription.changed',
      providerSubscriptionId: subscriptionId,
      userId,
      providerCustomerId: before.providerCustomerId,
    });
    expect(await snapshotOf(subscriptionId)).toMatchObject({
      status: 'active',
      currentPeriodStart: before.currentPeriodEnd,
      currentPeriodEnd: new Date('2025-03-31T12:00:00Z'),
    });
  });

  it('a failed renewal turns the subscription past_due and recovery pays the same payment', async () => {
    const { subscriptionId, userId } = await activeSubscription();
    await harness.provider.failPayment(subscriptionId);
    const failed = await harness.receive();
    expect(failed.map((item) => item.verified.eventType)).toEqual(['payment.failed', 'subscription.updated']);
    const failure = failed[0]?.event;
    if (failure?.kind !== 'payment.failed') throw new Error('expected payment.failed');
    expect(failure).toMatchObject({
      providerSubscriptionId: subscriptionId,
      userId,
      amountMinor: 4900,
      currency: 'usd',
    });
    expect((await snapshotOf(subscriptionId)).status).toBe('past_due');

    await expect(harness.provider.renewSubscription(subscriptionId)).rejects.toMatchObject({
      code: 'sandbox_subscription_state_conflict',
    });

    await harness.provider.failPayment(subscriptionId);
    const retried = await harness.receive();
    const retry = retried[0]?.event;
    expect(retry?.kind === 'payment.failed' && retry.providerPaymentId).toBe(failure.providerPaymentId);

    await harness.provider.recoverPayment(subscriptionId);
    const recovered = await harness.receive();
    expect(recovered.map((item) => item.verified.eventType)).toEqual(['payment.succeeded', 'subscription.updated']);
    expect(paymentOf(recovered[0]?.event)).toMatchObject({
      providerPaymentId: failure.providerPaymentId,
      amountMinor: 4900,
      paidAt: harness.now(),
    });
    expect((await snapshotOf(subscriptionId)).status).toBe('active');
    await expect(harness.provider.recoverPayment(subscriptionId)).rejects.toMatchObject({
      code: 'sandbox_subscription_state_conflict',
    });
  });

  it('ending a subscription sends subscription.deleted and refuses later renewals', async () => {
    const { subscriptionId } = await activeSubscription();
    await harness.provider.endSubscription(subscriptionId);
    const [deleted] = await harness.receive();
    expect(deleted?.verified.eventType).toBe('subscription.deleted');
    expect(deleted?.event).toMatchObject({ kind: 'subscription.changed', providerSubscriptionId: subscriptionId });
    expect(await snapshotOf(subscriptionId)).toMatchObject({ status: 'canceled', endedAt: harness.now() });
    for (const action of [
      harness.provider.renewSubscription,
      harness.provider.failPayment,
      harness.provider.endSubscription,
    ])
      await expect(action(subscriptionId)).rejects.toMatchObject({ code: 'sandbox_subscription_state_conflict' });
  });

  it('cancel at period end keeps it active until renewal, which ends it instead of charging', async () => {
    const { subscriptionId } = await activeSubscription();
    const paymentsBefore = (await harness.provider.listObjects('payment')).length;
    const cancelled = await harness.provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: true,
      idempotencyKey: 'cancel-1',
    });
    expect(cancelled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, canceledAt: harness.now() });
    expect((await harness.receive()).map((item) => item.verified.eventType)).toEqual(['subscription.updated']);

    const again = await harness.provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: true,
      idempotencyKey: 'cancel-1',
    });
    expect(again.observedAt).toBe(cancelled.observedAt);
    expect(await harness.receive()).toEqual([]);

    harness.advance(days(30));
    await harness.provider.renewSubscription(subscriptionId);
    expect((await harness.receive()).map((item) => item.verified.eventType)).toEqual(['subscription.deleted']);
    expect(await snapshotOf(subscriptionId)).toMatchObject({ status: 'canceled', endedAt: harness.now() });
    expect((await harness.provider.listObjects('payment')).length).toBe(paymentsBefore);
  });

  it('cancel now ends the subscription at once and a repeat sends nothing', async () => {
    const { subscriptionId } = await activeSubscription();
    const ended = await harness.provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: false,
      idempotencyKey: 'k',
    });
    expect(ended).toMatchObject({ status: 'canceled', endedAt: harness.now(), canceledAt: harness.now() });
    expect((await harness.receive()).map((item) => item.verified.eventType)).toEqual(['subscription.deleted']);
    await harness.provider.cancel({ providerSubscriptionId: subscriptionId, atPeriodEnd: false, idempotencyKey: 'k' });
    expect(await harness.receive()).toEqual([]);
  });

  it('changePlan swaps the tier and bills the prorated difference with the next period', async () => {
    const { subscriptionId } = await activeSubscription();
    const start = await snapshotOf(subscriptionId);
    const periodMs = start.currentPeriodEnd!.getTime() - start.currentPeriodStart!.getTime();
    harness.advance(periodMs / 2);
    const changed = await harness.provider.changePlan({
      providerSubscriptionId: subscriptionId,
      line: vipMonthly,
      prorate: true,
      idempotencyKey: 'change-1',
    });
    expect(changed.items).toEqual([{ planPriceId: 'vip_month_usd_v1', providerPriceId: null, quantity: 1 }]);
    expect((await harness.receive()).map((item) => item.verified.eventType)).toEqual(['subscription.updated']);
    const stored = (await harness.provider.listObjects('subscription')).find((row) => row.id === subscriptionId);
    expect(stored?.data['pending_proration_minor']).toBe(2500);

    const repeated = await harness.provider.changePlan({
      providerSubscriptionId: subscriptionId,
      line: vipMonthly,
      prorate: true,
      idempotencyKey: 'change-1',
    });
    expect(repeated.observedAt).toBe(changed.observedAt);
    expect(await harness.receive()).toEqual([]);

    await harness.provider.renewSubscription(subscriptionId);
    const [renewal] = await harness.receive();
    expect(paymentOf(renewal?.event)).toMatchObject({
      amountMinor: 9900 + 2500,
      items: [{ planPriceId: 'vip_month_usd_v1', providerPriceId: null, quantity: 1 }],
    });
  });

  it('a downgrade without proration swaps the price and credits nothing', async () => {
    const { subscriptionId } = await activeSubscription();
    await harness.provider.changePlan({
      providerSubscriptionId: subscriptionId,
      line: { ...proMonthly, planPriceId: 'pro_month_usd_v2', amountMinor: 3900 },
      prorate: false,
      idempotencyKey: 'change-2',
    });
    await harness.provider.renewSubscription(subscriptionId);
    const renewal = (await harness.receive()).find((item) => item.event.kind === 'payment.succeeded');
    expect(paymentOf(renewal?.event).amountMinor).toBe(3900);
  });

  it('changePlan to another interval or currency is refused', async () => {
    const { subscriptionId } = await activeSubscription();
    for (const line of [
      { ...vipMonthly, interval: 'year' as const },
      { ...vipMonthly, currency: 'eur' },
    ])
      await expect(
        harness.provider.changePlan({
          providerSubscriptionId: subscriptionId,
          line,
          prorate: true,
          idempotencyKey: 'x',
        }),
      ).rejects.toMatchObject({ code: 'sandbox_plan_change_invalid', status: 400 });
  });

  it('operations on an unknown subscription are 404', async () => {
    await expect(harness.provider.renewSubscription('sbx_sub_missing')).rejects.toMatchObject({
      code: 'sandbox_subscription_not_found',
      status: 404,
    });
  });

  it('the portal link names the customer', async () => {
    expect(await harness.provider.createPortalSession({ providerCustomerId: 'sbx_cus_abc', returnUrl: 'x' })).toEqual({
      url: 'http://localhost:3000/sandbox/portal/sbx_cus_abc',
    });
  });
});
