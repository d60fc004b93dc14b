import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.js';
import type { CheckoutLine, CreateCheckoutInput, PaymentProvider } from '../../../ports/payment-provider.js';
import { type FakeStripe, type StripeEvent, startFakeStripeServer } from '../../../testing/fake-stripe-server.js';
import { createStripeProvider, type StripeProviderOptions } from './stripe-provider.js';

const webhookSecret = 'whsec_provider_tests_0123456789abcdef';
type PriceDefinition = Omit<CheckoutLine, 'providerPriceId' | 'quantity'>;

const pro: PriceDefinition = {
  planId: 'pro',
  planName: 'Pro',
  planPriceId: 'pro_month_usd_v1',
  amountMinor: 2000,
  currency: 'usd',
  interval: 'month',
};
const elite: PriceDefinition = {
  ...pro,
  planId: 'elite',
  planName: 'Elite',
  planPriceId: 'elite_month_usd_v1',
  amountMinor: 5000,
};
const apiQuota: PriceDefinition = {
  ...pro,
  planId: 'addon_api_quota',
  planName: 'API quota',
  planPriceId: 'addon_api_quota_month_usd_v1',
  amountMinor: 500,
};
const lifetime: PriceDefinition = {
  ...pro,
  planId: 'lifetime',
  planName: 'Lifetime',
  planPriceId: 'lifetime_usd_v1',
  amountMinor: 15000,
  interval: 'one_time',
};

const key = (purpose: string) => `cm-${purpose}-${randomUUID()}`;

let fake: FakeStripe;
let provider: PaymentProvider;
let clockNow: Date;

const createProvider = (overrides: Partial<StripeProviderOptions> = {}) =>
  createStripeProvider({
    secretKey: fake.secretKey,
    webhookSecrets: [webhookSecret],
    toleranceSeconds: 300,
    apiBase: fake.url,
    idempotencyPrefix: 'cm',
    clock: { now: () => clockNow },
    ...overrides,
  });

beforeEach(async () => {
  clockNow = new Date('2026-03-01T12:00:00Z');
  fake = await startFakeStripeServer();
  fake.setNow(clockNow);
  provider = createProvider();
});

afterEach(async () => {
  await fake.close();
});

const moveClock = (to: Date) => {
  clockNow = to;
  fake.setNow(to);
};

const line = async (definition: PriceDefinition, quantity = 1): Promise<CheckoutLine> => ({
  ...definition,
  providerPriceId: await provider.ensurePrice(definition, key('price')),
  quantity,
});

const checkoutInput = async (
  overrides: Partial<CreateCheckoutInput> & { lines: CheckoutLine[] },
): Promise<CreateCheckoutInput> => ({
  checkoutId: randomUUID(),
  userId: 'user_7',
  email: 'member@example.com',
  providerCustomerId: null,
  mode: 'subscription',
  successUrl: 'https://app.example/billing/success',
  cancelUrl: 'https://app.example/billing/cancel',
  idempotencyKey: key('checkout'),
  metadata: {},
  ...overrides,
});

const parse = (event: StripeEvent | undefined) => {
  if (event === undefined) throw new Error('missing event');
  return provider.parseEvent(fake.signEvent(event, webhookSecret).body);
};

/** A member on Pro with the API-quota add-on, paid through Checkout. */
const subscribe = async () => {
  const customer = await provider.ensureCustomer({
    userId: 'user_7',
    email: 'member@example.com',
    idempotencyKey: key('customer'),
  });
  const input = await checkoutInput({
    providerCustomerId: customer?.providerCustomerId ?? null,
    lines: [await line(pro), await line(apiQuota, 2)],
  });
  const checkout = await provider.createCheckout(input);
  const events = fake.completeCheckout(checkout.providerSessionId);
  const [completed, created, invoicePaid] = events;
  const subscriptionId = created?.data.object.id ?? '';
  const invoiceId = invoicePaid?.data.object.id ?? '';
  return { input, checkout, events, completed, subscriptionId, invoiceId, customerId: customer?.providerCustomerId };
};

const failure = async (run: () => Promise<unknown>): Promise<AppError> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
};

const subscriptionItemIds = (subscriptionId: string): string[] => {
  const items = fake.object('subscription', subscriptionId)?.['items'] as { data: Array<{ id: string }> } | undefined;
  return (items?.data ?? []).map((item) => item.id);
};

const posts = (path: string) => fake.requests.filter((request) => request.method === 'POST' && request.path === path);

describe('Stripe provider against a Stripe-compatible server', () => {
  it('every write it sends carries an idempotency key with our prefix', async () => {
    const { subscriptionId, invoiceId, customerId } = await subscribe();
    await provider.changePlan({
      providerSubscriptionId: subscriptionId,
      line: { ...elite, providerPriceId: null, quantity: 1 },
      prorate: true,
      idempotencyKey: key('change'),
    });
    await provider.refund({
      providerPaymentId: invoiceId,
      chargeReference: null,
      amountMinor: 100,
      idempotencyKey: key('refund'),
    });
    await provider.createPortalSession({
      providerCustomerId: customerId ?? '',
      returnUrl: 'https://app.example/account',
    });
    await provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: false,
      idempotencyKey: key('cancel'),
    });

    const writes = fake.requests.filter((request) => request.method !== 'GET');
    expect(writes.map((request) => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/customers',
        'POST /v1/products',
        'POST /v1/prices',
        'POST /v1/checkout/sessions',
        `POST /v1/subscriptions/${subscriptionId}`,
        'POST /v1/refunds',
        'POST /v1/billing_portal/sessions',
        `DELETE /v1/subscriptions/${subscriptionId}`,
      ]),
    );
    for (const write of writes) expect(write.idempotencyKey, `${write.method} ${write.path}`).toMatch(/^cm-/);
  });

  it('a customer is created with our user id in its metadata', async () => {
    const customer = await provider.ensureCustomer({
      userId: 'user_7',
      email: 'member@example.com',
      idempotencyKey: key('customer'),
    });
    expect(customer?.providerCustomerId).toMatch(/^cus_/);
    expect(posts('/v1/customers')[0]?.body).toEqual({ email: 'member@example.com', metadata: { user_id: 'user_7' } });
  });

  it('a subscription checkout binds the member: client_reference_id, session metadata and subscription metadata', async () => {
    const { input, checkout, completed, subscriptionId } = await subscribe();
    expect(checkout.url).toBe(`https://checkout.stripe.test/c/pay/${checkout.providerSessionId}`);
    expect(checkout.expiresAt.getTime()).toBe(clockNow.getTime() + 24 * 60 * 60 * 1000);

    const sent = posts('/v1/checkout/sessions')[0]?.body;
    const expectedMetadata = {
      plan_id: 'pro',
      plan_price_id: 'pro_month_usd_v1',
      user_id: 'user_7',
      checkout_id: input.checkoutId,
    };
    expect(sent).toMatchObject({
      mode: 'subscription',
      client_reference_id: 'user_7',
      metadata: expectedMetadata,
      subscription_data: { metadata: expectedMetadata },
      line_items: [
        { price: input.lines[0]?.providerPriceId, quantity: '1' },
        { price: input.lines[1]?.providerPriceId, quantity: '2' },
      ],
    });
    expect(sent).not.toHaveProperty('payment_intent_data');
    expect(fake.object('subscription', subscriptionId)?.['metadata']).toEqual(expectedMetadata);
    expect(await parse(completed)).toMatchObject({
      kind: 'checkout.completed',
      checkoutId: input.checkoutId,
      userId: 'user_7',
      providerSubscriptionId: subscriptionId,
      payment: null,
    });
  });

  it('a member without a Stripe customer is identified by email', async () => {
    await provider.createCheckout(await checkoutInput({ lines: [await line(pro)] }));
    const sent = posts('/v1/checkout/sessions')[0]?.body;
    expect(sent).toMatchObject({ customer_email: 'member@example.com' });
    expect(sent).not.toHaveProperty('customer');
  });

  it('a one-time checkout puts our metadata on the payment and becomes a one-time payment', async () => {
    const input = await checkoutInput({ mode: 'payment', lines: [await line(lifetime)] });
    const checkout = await provider.createCheckout(input);
    expect(posts('/v1/checkout/sessions')[0]?.body).toMatchObject({
      mode: 'payment',
      customer_creation: 'always',
      payment_intent_data: { metadata: { user_id: 'user_7', checkout_id: input.checkoutId } },
    });
    const [completed] = fake.completeCheckout(checkout.providerSessionId);
    const paymentIntentId = String(completed?.data.object['payment_intent']);
    expect(fake.object('payment_intent', paymentIntentId)?.['metadata']).toMatchObject({ user_id: 'user_7' });
    expect(await parse(completed)).toMatchObject({
      kind: 'checkout.completed',
      userId: 'user_7',
      payment: {
        kind: 'one_time',
        providerPaymentId: paymentIntentId,
        chargeReference: paymentIntentId,
        amountMinor: 15000,
        items: [{ planPriceId: 'lifetime_usd_v1', providerPriceId: input.lines[0]?.providerPriceId, quantity: 1 }],
      },
    });
  });

  it('a retried checkout create with the same key returns the first session, never a second one', async () => {
    const input = await checkoutInput({ lines: [await line(pro)] });
    const first = await provider.createCheckout(input);
    const second = await provider.createCheckout(input);
    expect(second.providerSessionId).toBe(first.providerSessionId);
    expect(posts('/v1/checkout/sessions')).toHaveLength(2);
  });

  it('a checkout line without a Stripe price gets one on the way', async () => {
    const input = await checkoutInput({ lines: [{ ...pro, providerPriceId: null, quantity: 1 }] });
    await provider.createCheckout(input);
    expect(posts('/v1/prices')[0]?.idempotencyKey).toBe(`${input.idempotencyKey}-price-0`);
    expect(posts('/v1/products')[0]?.idempotencyKey).toBe(`${input.idempotencyKey}-price-0-product`);
  });

  it('ensurePrice finds the price it created by lookup key: a second call creates nothing', async () => {
    const first = await provider.ensurePrice(pro, key('price'));
    const second = await provider.ensurePrice(pro, key('price'));
    expect(second).toBe(first);
    expect(posts('/v1/prices')).toHaveLength(1);
    expect(posts('/v1/products')).toHaveLength(1);
    expect(posts('/v1/prices')[0]?.body).toEqual({
      product: 'cm_pro',
      unit_amount: '2000',
      currency: 'usd',
      recurring: { interval: 'month' },
      lookup_key: 'cm_pro_month_usd_v1',
      transfer_lookup_key: 'false',
      metadata: { plan_id: 'pro', plan_price_id: 'pro_month_usd_v1' },
    });
  });

  it('the product is made once per plan and its write uses a key derived from the caller’s', async () => {
    const priceKey = key('price');
    await provider.ensurePrice(pro, priceKey);
    await provider.ensurePrice(
      { ...pro, planPriceId: 'pro_year_usd_v1', interval: 'year', amountMinor: 20000 },
      key('price'),
    );
    expect(posts('/v1/products')).toHaveLength(1);
    expect(posts('/v1/products')[0]?.idempotencyKey).toBe(`${priceKey}-product`);
    expect(posts('/v1/products')[0]?.body).toMatchObject({ id: 'cm_pro', name: 'Pro' });
  });

  it('a one-time price is created without a recurring interval', async () => {
    await provider.ensurePrice(lifetime, key('price'));
    expect(posts('/v1/prices')[0]?.body).not.toHaveProperty('recurring');
  });

  it('a Stripe price that no longer sells what our plan price says is replaced and takes over the lookup key', async () => {
    const original = await provider.ensurePrice(pro, key('price'));
    const replacement = await provider.ensurePrice({ ...pro, amountMinor: 2500 }, key('price'));
    expect(replacement).not.toBe(original);
    expect(await provider.ensurePrice({ ...pro, amountMinor: 2500 }, key('price'))).toBe(replacement);
    expect(fake.object('price', original ?? '')?.['lookup_key']).toBeNull();
  });

  it('fetchSubscription reads periods from the items and our ids from metadata', async () => {
    const { subscriptionId, customerId } = await subscribe();
    const snapshot = await provider.fetchSubscription(subscriptionId);
    expect(snapshot).toEqual({
      providerSubscriptionId: subscriptionId,
      providerCustomerId: customerId,
      userId: 'user_7',
      status: 'active',
      items: [
        { planPriceId: 'pro_month_usd_v1', providerPriceId: expect.stringMatching(/^price_/), quantity: 1 },
        { planPriceId: 'addon_api_quota_month_usd_v1', providerPriceId: expect.stringMatching(/^price_/), quantity: 2 },
      ],
      cancelAtPeriodEnd: false,
      currentPeriodStart: new Date('2026-03-01T12:00:00Z'),
      currentPeriodEnd: new Date('2026-04-01T12:00:00Z'),
      trialEnd: null,
      canceledAt: null,
      endedAt: null,
      observedAt: clockNow.getTime(),
    });
  });

  it('fetchSubscription of a subscription Stripe does not have returns null', async () => {
    expect(await provider.fetchSubscription('sub_does_not_exist')).toBeNull();
  });

  it.each([
    [true, 'create_prorations'],
    [false, 'none'],
  ])('changePlan (prorate %s) swaps only the tier item and sends proration_behavior %s', async (prorate, behavior) => {
    const { subscriptionId } = await subscribe();
    const [tierItemId, addonItemId] = subscriptionItemIds(subscriptionId);
    const eliteLine = await line(elite);
    const changeKey = key('change');

    const snapshot = await provider.changePlan({
      providerSubscriptionId: subscriptionId,
      line: eliteLine,
      prorate,
      idempotencyKey: changeKey,
    });

    expect(posts(`/v1/subscriptions/${subscriptionId}`)[0]).toMatchObject({
      idempotencyKey: changeKey,
      body: {
        items: [{ id: tierItemId, price: eliteLine.providerPriceId, quantity: '1' }],
        proration_behavior: behavior,
        metadata: { plan_id: 'elite', plan_price_id: 'elite_month_usd_v1' },
      },
    });
    expect(snapshot.items).toEqual([
      { planPriceId: 'elite_month_usd_v1', providerPriceId: eliteLine.providerPriceId, quantity: 1 },
      { planPriceId: 'addon_api_quota_month_usd_v1', providerPriceId: expect.any(String), quantity: 2 },
    ]);
    expect(subscriptionItemIds(subscriptionId)).toEqual([tierItemId, addonItemId]);
  });

  it('a member who cancels keeps the subscription active until the period ends', async () => {
    const { subscriptionId } = await subscribe();
    const snapshot = await provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: true,
      idempotencyKey: key('cancel'),
    });
    expect(posts(`/v1/subscriptions/${subscriptionId}`)[0]?.body).toEqual({ cancel_at_period_end: 'true' });
    expect(snapshot).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, endedAt: null });
    expect(snapshot.currentPeriodEnd).toEqual(new Date('2026-04-01T12:00:00Z'));
    const [updated] = fake.drainEvents();
    expect(updated?.type).toBe('customer.subscription.updated');
    expect(updated?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
    expect(await parse(updated)).toMatchObject({ kind: 'subscription.changed', userId: 'user_7' });
  });

  it('cancelling now ends the subscription at once', async () => {
    const { subscriptionId } = await subscribe();
    const snapshot = await provider.cancel({
      providerSubscriptionId: subscriptionId,
      atPeriodEnd: false,
      idempotencyKey: key('cancel'),
    });
    expect(snapshot).toMatchObject({ status: 'canceled', endedAt: clockNow, canceledAt: clockNow });
    expect(fake.drainEvents().map((event) => event.type)).toEqual(['customer.subscription.deleted']);
  });

  it('a refund of a subscription invoice finds its PaymentIntent, and refunds add up', async () => {
    const { invoiceId } = await subscribe();
    const refundKey = key('refund');
    const refund = await provider.refund({
      providerPaymentId: invoiceId,
      chargeReference: null,
      amountMinor: 500,
      idempotencyKey: refundKey,
    });
    expect(refund.providerRefundId).toMatch(/^re_/);
    const paymentIntent = posts('/v1/refunds')[0]?.body['payment_intent'];
    expect(paymentIntent).toMatch(/^pi_/);
    expect(posts('/v1/refunds')[0]).toMatchObject({ idempotencyKey: refundKey, body: { amount: '500' } });

    await provider.refund({
      providerPaymentId: invoiceId,
      chargeReference: String(paymentIntent),
      amountMinor: null,
      idempotencyKey: key('refund'),
    });
    const refunded = await Promise.all(fake.drainEvents().map((event) => parse(event)));
    expect(refunded).toMatchObject([
      { kind: 'refund.updated', chargeReference: paymentIntent, amountRefundedMinor: 500, amountMinor: 3000 },
      { kind: 'refund.updated', chargeReference: paymentIntent, amountRefundedMinor: 3000, amountMinor: 3000 },
    ]);
  });

  it('a refund larger than what is left is rejected with Stripe’s reason', async () => {
    const { invoiceId } = await subscribe();
    const error = await failure(() =>
      provider.refund({
        providerPaymentId: invoiceId,
        chargeReference: null,
        amountMinor: 999_999,
        idempotencyKey: key('refund'),
      }),
    );
    expect(error).toMatchObject({ code: 'provider_rejected', status: 502, retryable: false });
    expect(error.context['stripeCode']).toBe('amount_too_large');
  });

  it('a portal session opens for the customer and returns to our page', async () => {
    const { customerId } = await subscribe();
    const portal = await provider.createPortalSession({
      providerCustomerId: customerId ?? '',
      returnUrl: 'https://app.example/account',
    });
    expect(portal?.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
    expect(posts('/v1/billing_portal/sessions')[0]?.body).toEqual({
      customer: customerId,
      return_url: 'https://app.example/account',
    });
  });

  it('a 429 Stripe asks us to retry is retried by the SDK with the same key, and the call succeeds', async () => {
    fake.failNext('/v1/customers', 429, 1);
    const customerKey = key('customer');
    const customer = await provider.ensureCustomer({ userId: 'user_7', email: null, idempotencyKey: customerKey });
    expect(customer?.providerCustomerId).toMatch(/^cus_/);
    expect(posts('/v1/customers').map((request) => [request.status, request.idempotencyKey])).toEqual([
      [429, customerKey],
      [200, customerKey],
    ]);
  });

  it('a 500 is retried with the same key and creates the session once', async () => {
    const input = await checkoutInput({ lines: [await line(pro)] });
    fake.failNext('/v1/checkout/sessions', 500, 1);
    const checkout = await provider.createCheckout(input);
    expect(posts('/v1/checkout/sessions').map((request) => request.status)).toEqual([500, 200]);
    expect(fake.object('checkout.session', checkout.providerSessionId)).toBeDefined();
  });

  it('Stripe still unavailable after the retries is a retryable provider_unavailable', async () => {
    fake.failNext('/v1/customers', 429, 1, { shouldRetry: false });
    const error = await failure(() =>
      provider.ensureCustomer({ userId: 'user_7', email: null, idempotencyKey: key('customer') }),
    );
    expect(error).toMatchObject({ code: 'provider_unavailable', status: 503, retryable: true });
  });

  it('a request Stripe refuses (400) becomes provider_rejected carrying Stripe’s message', async () => {
    const recurring = await line(pro);
    const error = await failure(async () =>
      provider.createCheckout(await checkoutInput({ mode: 'payment', lines: [recurring] })),
    );
    expect(error).toMatchObject({ code: 'provider_rejected', status: 502, retryable: false });
    expect(error.context['stripeMessage']).toContain('`payment` mode but passed a recurring price');
  });

  it('reusing an idempotency key for a different request is refused, not silently replayed', async () => {
    const input = await checkoutInput({ lines: [await line(pro)] });
    await provider.createCheckout(input);
    const error = await failure(() => provider.createCheckout({ ...input, userId: 'someone_else' }));
    expect(error).toMatchObject({ code: 'provider_rejected', retryable: false });
    expect(error.context['stripeType']).toBe('StripeIdempotencyError');
  });

  it('settings that would weaken webhook checks are refused at startup', () => {
    expect(() => createProvider({ toleranceSeconds: 0 })).toThrow(/toleranceSeconds/);
    expect(() => createProvider({ webhookSecrets: [] })).toThrow(/no webhook secret/);
  });

  it('a subscription’s life at the fake Stripe verifies and normalizes end to end', async () => {
    const { subscriptionId, events } = await subscribe();
    for (const event of events) {
      const { body, signature } = fake.signEvent(event, webhookSecret);
      expect(provider.verifyWebhook(Buffer.from(body), { 'stripe-signature': signature })).toEqual({
        providerEventId: event.id,
        eventType: event.type,
        handled: true,
      });
    }

    moveClock(new Date('2026-04-01T12:00:00Z'));
    const [renewalPaid] = fake.renewSubscription(subscriptionId);
    const renewal = await parse(renewalPaid);
    expect(renewal).toMatchObject({
      kind: 'payment.succeeded',
      payment: {
        kind: 'subscription',
        userId: 'user_7',
        providerSubscriptionId: subscriptionId,
        amountMinor: 3000,
        periodStart: new Date('2026-04-01T12:00:00Z'),
        periodEnd: new Date('2026-05-01T12:00:00Z'),
        chargeReference: expect.stringMatching(/^pi_/),
      },
    });

    moveClock(new Date('2026-05-01T12:00:00Z'));
    const [renewalFailed] = fake.failRenewal(subscriptionId);
    expect(await parse(renewalFailed)).toMatchObject({ kind: 'payment.failed', amountMinor: 3000, userId: 'user_7' });
    expect(await provider.fetchSubscription(subscriptionId)).toMatchObject({ status: 'past_due' });

    if (renewal.kind !== 'payment.succeeded') throw new Error('expected a payment');
    const [disputeOpened] = fake.openDispute(renewal.payment.chargeReference ?? '');
    const opened = await parse(disputeOpened);
    expect(opened).toMatchObject({
      kind: 'dispute.updated',
      status: 'open',
      chargeReference: renewal.payment.chargeReference,
    });
    const [disputeClosed] = fake.closeDispute(disputeOpened?.data.object.id ?? '', 'won');
    expect(await parse(disputeClosed)).toMatchObject({ kind: 'dispute.updated', status: 'won' });

    const [ended] = fake.endSubscription(subscriptionId);
    expect(await parse(ended)).toMatchObject({ kind: 'subscription.changed', providerSubscriptionId: subscriptionId });
    expect(await provider.fetchSubscription(subscriptionId)).toMatchObject({ status: 'canceled', endedAt: clockNow });
  });
});
