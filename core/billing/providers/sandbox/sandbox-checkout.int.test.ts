import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutInput,
  createSandboxHarness,
  days,
  lifetimePass,
  proMonthly,
  type SandboxHarness,
} from '../../../testing/sandbox-test-harness.js';
import { toUnixSeconds } from './sandbox-billing-period.js';
import { sandboxSignatureHeader, signSandboxPayload } from './sandbox-signature.js';

let harness: SandboxHarness;
beforeAll(async () => {
  harness = await createSandboxHarness();
});
afterAll(() => harness.close());

const countOf = async (kind: 'subscription' | 'payment') => (await harness.provider.listObjects(kind)).length;

describe('sandbox checkout', () => {
  it('createCheckout with the same idempotency key returns the same checkout and link', async () => {
    const input = checkoutInput();
    const first = await harness.provider.createCheckout(input);
    const again = await harness.provider.createCheckout(input);
    expect(again).toEqual(first);
    expect(first.providerSessionId).toMatch(/^sbx_cs_[0-9a-f]{20}$/);
    expect(first.url).toBe(`http://localhost:3000/sandbox/checkout/${first.providerSessionId}`);
    expect(first.expiresAt.getTime() - harness.now().getTime()).toBe(days(1));
    const other = await harness.provider.createCheckout(checkoutInput({ userId: input.userId }));
    expect(other.providerSessionId).not.toBe(first.providerSessionId);
  });

  it('ensureCustomer gives one customer per user', async () => {
    const input = { userId: 'user-one-customer', email: null, idempotencyKey: 'k1' };
    const first = await harness.provider.ensureCustomer(input);
    const second = await harness.provider.ensureCustomer({ ...input, idempotencyKey: 'k2' });
    expect(first?.providerCustomerId).toMatch(/^sbx_cus_/);
    expect(second).toEqual(first);
    expect(await harness.provider.ensurePrice(proMonthly, 'price-key')).toBeNull();
  });

  it('a checkout mixing currencies or intervals for a subscription is refused', async () => {
    await expect(
      harness.provider.createCheckout(checkoutInput({ lines: [proMonthly, { ...proMonthly, currency: 'eur' }] })),
    ).rejects.toMatchObject({ code: 'sandbox_checkout_invalid', status: 400 });
    await expect(harness.provider.createCheckout(checkoutInput({ lines: [lifetimePass] }))).rejects.toMatchObject({
      code: 'sandbox_checkout_invalid',
    });
  });

  it('paying a subscription checkout sends checkout.completed, subscription.created, payment.succeeded, signed and in order', async () => {
    const input = checkoutInput();
    const { providerSessionId } = await harness.provider.createCheckout(input);
    await harness.receive();
    const eventIds = await harness.provider.payCheckout(providerSessionId);
    const delivered = await harness.receive();

    expect(delivered.map((item) => item.verified)).toEqual([
      { providerEventId: eventIds[0], eventType: 'checkout.completed', handled: true },
      { providerEventId: eventIds[1], eventType: 'subscription.created', handled: true },
      { providerEventId: eventIds[2], eventType: 'payment.succeeded', handled: true },
    ]);
    const headers = harness.deliveries.at(-1)?.headers;
    expect(headers?.['content-type']).toBe('application/json');
    expect(headers?.[sandboxSignatureHeader]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    const [completed, created, paid] = delivered.map((item) => item.event);
    const subscriptionId = created?.kind === 'subscription.changed' ? created.providerSubscriptionId : '';
    expect(subscriptionId).toMatch(/^sbx_sub_/);
    expect(completed).toEqual({
      kind: 'checkout.completed',
      providerSessionId,
      checkoutId: input.checkoutId,
      userId: input.userId,
      providerCustomerId: expect.stringMatching(/^sbx_cus_/),
      providerSubscriptionId: subscriptionId,
      payment: null,
    });
    expect(created).toMatchObject({ kind: 'subscription.changed', userId: input.userId });
    const start = harness.now();
    expect(paid).toEqual({
      kind: 'payment.succeeded',
      payment: {
        providerPaymentId: expect.stringMatching(/^sbx_pay_/),
        chargeReference: expect.stringMatching(/^sbx_pay_/),
        kind: 'subscription',
        userId: input.userId,
        providerCustomerId: expect.stringMatching(/^sbx_cus_/),
        providerSubscriptionId: subscriptionId,
        items: [{ planPriceId: 'pro_month_usd_v1', providerPriceId: null, quantity: 1 }],
        amountMinor: 4900,
        currency: 'usd',
        paidAt: start,
        periodStart: start,
        periodEnd: new Date('2025-02-28T12:00:00Z'),
      },
    });
    if (paid?.kind === 'payment.succeeded') expect(paid.payment.chargeReference).toBe(paid.payment.providerPaymentId);

    const snapshot = await harness.provider.fetchSubscription(subscriptionId);
    expect(snapshot).toMatchObject({
      providerSubscriptionId: subscriptionId,
      userId: input.userId,
      status: 'active',
      items: [{ planPriceId: 'pro_month_usd_v1', providerPriceId: null, quantity: 1 }],
      cancelAtPeriodEnd: false,
      currentPeriodStart: start,
      currentPeriodEnd: new Date('2025-02-28T12:00:00Z'),
    });
    const view = await harness.provider.getCheckout(providerSessionId);
    expect(view).toMatchObject({ status: 'completed', providerSubscriptionId: subscriptionId });
  });

  it('paying a checkout twice is refused and creates no second subscription or payment', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    await harness.provider.payCheckout(providerSessionId);
    await harness.receive();
    const subscriptions = await countOf('subscription');
    const payments = await countOf('payment');

    await expect(harness.provider.payCheckout(providerSessionId)).rejects.toMatchObject({
      code: 'sandbox_checkout_not_open',
      status: 409,
    });
    await expect(harness.provider.declineCheckout(providerSessionId)).rejects.toMatchObject({
      code: 'sandbox_checkout_not_open',
    });
    expect(await countOf('subscription')).toBe(subscriptions);
    expect(await countOf('payment')).toBe(payments);
    expect(await harness.receive()).toEqual([]);
  });

  it('two concurrent payments of one checkout produce exactly one subscription', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    const subscriptions = await countOf('subscription');
    const results = await Promise.allSettled([
      harness.provider.payCheckout(providerSessionId),
      harness.provider.payCheckout(providerSessionId),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await countOf('subscription')).toBe(subscriptions + 1);
    await harness.receive();
  });

  it('paying a one-time checkout carries the payment in checkout.completed and in payment.succeeded', async () => {
    const input = checkoutInput({ mode: 'payment', lines: [lifetimePass] });
    const { providerSessionId } = await harness.provider.createCheckout(input);
    await harness.provider.payCheckout(providerSessionId);
    const delivered = await harness.receive();
    expect(delivered.map((item) => item.verified.eventType)).toEqual(['checkout.completed', 'payment.succeeded']);
    const [completed, paid] = delivered.map((item) => item.event);
    expect(completed).toMatchObject({
      kind: 'checkout.completed',
      checkoutId: input.checkoutId,
      userId: input.userId,
      providerSubscriptionId: null,
    });
    if (completed?.kind !== 'checkout.completed' || paid?.kind !== 'payment.succeeded') throw new Error('wrong kinds');
    expect(completed.payment).toEqual(paid.payment);
    expect(paid.payment).toMatchObject({
      kind: 'one_time',
      providerSubscriptionId: null,
      items: [{ planPriceId: 'lifetime_one_time_usd_v1', providerPriceId: null, quantity: 1 }],
      amountMinor: 29900,
      periodStart: null,
      periodEnd: null,
    });
  });

  it('declining sends checkout.declined, which core stores as ignored', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    await harness.provider.declineCheckout(providerSessionId);
    const [declined] = await harness.receive();
    expect(declined?.verified).toMatchObject({ eventType: 'checkout.declined', handled: false });
    expect(declined?.event.kind).toBe('ignore');
    await expect(harness.provider.payCheckout(providerSessionId)).rejects.toMatchObject({
      code: 'sandbox_checkout_not_open',
    });
  });

  it('an expired checkout can no longer be paid', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    harness.advance(days(1));
    expect((await harness.provider.getCheckout(providerSessionId)).status).toBe('expired');
    await expect(harness.provider.payCheckout(providerSessionId)).rejects.toMatchObject({
      code: 'sandbox_checkout_not_open',
      context: { status: 'expired' },
    });
  });

  it('an unknown checkout is a 404', async () => {
    await expect(harness.provider.getCheckout('sbx_cs_missing')).rejects.toMatchObject({
      code: 'sandbox_checkout_not_found',
      status: 404,
    });
  });

  it('a webhook signed with another secret or replayed late is refused by verifyWebhook', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    await harness.provider.payCheckout(providerSessionId);
    const delivery = harness.deliveries.at(-1);
    if (!delivery) throw new Error('nothing delivered');
    await harness.receive();
    const forged = {
      ...delivery.headers,
      [sandboxSignatureHeader]: signSandboxPayload(
        delivery.body,
        'sandbox_whsec_not_ours_00000000',
        toUnixSeconds(harness.now()),
      ),
    };
    expect(() => harness.provider.verifyWebhook(Buffer.from(delivery.body), forged)).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
    expect(() => harness.provider.verifyWebhook(Buffer.from(delivery.body), {})).toThrow(
      expect.objectContaining({ code: 'webhook_signature_missing' }),
    );
    harness.advance(301_000);
    expect(() => harness.provider.verifyWebhook(Buffer.from(delivery.body), delivery.headers)).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
  });
});
