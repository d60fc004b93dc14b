import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.js';
import type { NormalizedEvent, PaymentProvider } from '../../../ports/payment-provider.js';
import { type FakeStripe, type StripeObject, startFakeStripeServer } from '../../../testing/fake-stripe-server.js';
import { fixturePath, readFixture, readJsonFixture } from '../../../testing/fixtures.js';
import { createStripeProvider } from './stripe-provider.js';

/** The ids Stripe's fixtures link together (MANIFEST.json `linked_ids`). */
const linked = {
  customer: 'cus_QXg1o8vcGmoR32',
  subscription: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
  invoice: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
  charge: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
  dispute: 'dp_1Pgc71B7WZ01zgkWMevJiAUx',
  paymentIntent: 'pi_1PgafyB7WZ01zgkWSjxsAJo3',
  price: 'price_1PgafmB7WZ01zgkW6dKueIc5',
};
const oneTimePrice = 'price_fixture_lifetime';
const at = (seconds: number) => new Date(seconds * 1000);

const subscriptionChanged: NormalizedEvent = {
  kind: 'subscription.changed',
  providerSubscriptionId: linked.subscription,
  userId: 'user_123',
  providerCustomerId: linked.customer,
};
const invoicePaid: NormalizedEvent = {
  kind: 'payment.succeeded',
  payment: {
    providerPaymentId: linked.invoice,
    chargeReference: linked.paymentIntent,
    kind: 'subscription',
    userId: 'user_123',
    providerCustomerId: linked.customer,
    providerSubscriptionId: linked.subscription,
    items: [{ planPriceId: null, providerPriceId: linked.price, quantity: 1 }],
    amountMinor: 2000,
    currency: 'usd',
    paidAt: at(1721957659),
    periodStart: at(1721954054),
    periodEnd: at(1724632454),
    receiptUrl: 'https://invoice.stripe.com/i/acct_test/test_invoice',
  },
};
const dispute = (status: 'open' | 'lost'): NormalizedEvent => ({
  kind: 'dispute.updated',
  providerDisputeId: linked.dispute,
  chargeReference: linked.paymentIntent,
  providerChargeId: linked.charge,
  status,
  amountMinor: 2000,
  currency: 'usd',
  occurredAt: at(1723682059),
  openedAt: at(1723682054),
});

/** One expectation per fixture in events/: a new fixture fails the completeness check until it has one. */
const expectations: Record<string, NormalizedEvent> = {
  'checkout.session.completed.json': {
    kind: 'checkout.completed',
    providerSessionId: 'cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY',
    checkoutId: null,
    userId: 'user_123',
    providerCustomerId: linked.customer,
    providerSubscriptionId: linked.subscription,
    payment: null,
  },
  'checkout.session.completed.payment.json': {
    kind: 'checkout.completed',
    providerSessionId: 'cs_test_b1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLZ',
    checkoutId: null,
    userId: 'user_123',
    providerCustomerId: linked.customer,
    providerSubscriptionId: null,
    payment: {
      providerPaymentId: linked.paymentIntent,
      chargeReference: linked.paymentIntent,
      kind: 'one_time',
      userId: 'user_123',
      providerCustomerId: linked.customer,
      providerSubscriptionId: null,
      items: [{ planPriceId: 'lifetime_usd_v1', providerPriceId: oneTimePrice, quantity: 1 }],
      amountMinor: 1500,
      currency: 'usd',
      paidAt: at(1721954059),
      periodStart: null,
      periodEnd: null,
    },
  },
  'customer.subscription.created.json': subscriptionChanged,
  'customer.subscription.updated.json': subscriptionChanged,
  'customer.subscription.updated.past_due.json': subscriptionChanged,
  'customer.subscription.deleted.json': subscriptionChanged,
  'invoice.paid.json': invoicePaid,
  'invoice.payment_succeeded.json': invoicePaid,
  'invoice.payment_failed.json': {
    kind: 'payment.failed',
    providerPaymentId: linked.invoice,
    providerSubscriptionId: linked.subscription,
    providerCustomerId: linked.customer,
    userId: 'user_123',
    amountMinor: 2000,
    currency: 'usd',
    occurredAt: at(1721954059),
  },
  'charge.refunded.json': {
    kind: 'refund.updated',
    chargeReference: linked.paymentIntent,
    providerChargeId: linked.charge,
    providerCustomerId: linked.customer,
    amountRefundedMinor: 2000,
    amountMinor: 2000,
    currency: 'usd',
    occurredAt: at(1721954059),
  },
  'charge.dispute.created.json': dispute('open'),
  'charge.dispute.closed.json': dispute('lost'),
};

type EventFixture = { id: string; type: string; created: number; data: { object: Record<string, unknown> } };
const eventFixture = (name: string) => readJsonFixture<EventFixture>('stripe', 'events', name);
/** A fixture with some fields of its object replaced, as the JSON Stripe would send. */
const variant = (name: string, changes: Record<string, unknown>) => {
  const event = eventFixture(name);
  Object.assign(event.data.object, changes);
  return JSON.stringify(event);
};

let fake: FakeStripe;
let provider: PaymentProvider;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  provider = createStripeProvider({
    secretKey: fake.secretKey,
    webhookSecrets: ['whsec_normalize_tests'],
    toleranceSeconds: 300,
    apiBase: fake.url,
    idempotencyPrefix: 'cm',
    clock: { now: () => at(1721954100) },
  });
  // What Stripe knows behind the fixtures: the invoice's payment, and the one-time checkout's line.
  fake.seed({
    ...readJsonFixture<StripeObject>('stripe', 'objects', 'invoice_payment.json'),
    id: 'inpay_fixture',
    invoice: linked.invoice,
    status: 'paid',
    payment: { type: 'payment_intent', payment_intent: linked.paymentIntent },
  });
  fake.seed({
    ...readJsonFixture<StripeObject>('stripe', 'objects', 'price.json'),
    id: oneTimePrice,
    type: 'one_time',
    recurring: null,
    unit_amount: 1500,
    metadata: { plan_id: 'lifetime', plan_price_id: 'lifetime_usd_v1' },
  });
  const paymentSession = eventFixture('checkout.session.completed.payment.json').data.object as StripeObject;
  fake.seed(paymentSession, { lineItems: [{ price: oneTimePrice, quantity: 1 }] });
});

afterAll(async () => {
  await fake.close();
});

const failure = async (run: () => Promise<unknown>): Promise<AppError> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected normalization to fail');
};

describe('Stripe event normalization', () => {
  it('has an expectation for every event fixture', () => {
    const fixtures = readdirSync(fixturePath('stripe', 'events')).filter((name) => name.endsWith('.json'));
    expect(Object.keys(expectations).sort()).toEqual(fixtures.sort());
  });

  it.each(Object.keys(expectations))('the fixture %s normalizes to our event', async (name) => {
    const normalized = await provider.parseEvent(readFixture('stripe', 'events', name));
    expect(normalized).toEqual(expectations[name]);
  });

  it('an invoice without its payments in the payload finds its PaymentIntent through invoice payments', async () => {
    const before = fake.requests.length;
    await provider.parseEvent(readFixture('stripe', 'events', 'invoice.paid.json'));
    const lookups = fake.requests.slice(before);
    expect(lookups).toMatchObject([{ method: 'GET', path: '/v1/invoice_payments', body: { invoice: linked.invoice } }]);
  });

  it('an invoice that carries its payments needs no lookup', async () => {
    const before = fake.requests.length;
    const normalized = await provider.parseEvent(
      variant('invoice.paid.json', {
        payments: {
          object: 'list',
          data: [
            { status: 'paid', is_default: true, payment: { type: 'payment_intent', payment_intent: 'pi_embedded' } },
          ],
        },
      }),
    );
    expect(normalized).toMatchObject({ kind: 'payment.succeeded', payment: { chargeReference: 'pi_embedded' } });
    expect(fake.requests.length).toBe(before);
  });

  it('a zero-amount invoice is still a payment and has no charge to look for', async () => {
    const before = fake.requests.length;
    const normalized = await provider.parseEvent(
      variant('invoice.paid.json', { id: 'in_zero_amount', amount_due: 0, amount_paid: 0, total: 0 }),
    );
    expect(normalized).toMatchObject({
      kind: 'payment.succeeded',
      payment: { providerPaymentId: 'in_zero_amount', amountMinor: 0, chargeReference: null },
    });
    expect(fake.requests.length).toBe(before);
  });

  it('an invoice whose hosted page is not an https URL records no receipt link (it is shown to the member as a link)', async () => {
    for (const hostedInvoiceUrl of ['javascript:alert(1)', 'http://invoice.example/i/1', 'not a url', null]) {
      const normalized = await provider.parseEvent(
        variant('invoice.paid.json', { id: 'in_odd_receipt', hosted_invoice_url: hostedInvoiceUrl }),
      );
      expect(normalized).toMatchObject({ kind: 'payment.succeeded', payment: { receiptUrl: null } });
    }
  });

  it('an invoice that belongs to no subscription buys nothing and is ignored', async () => {
    const normalized = await provider.parseEvent(variant('invoice.paid.json', { parent: null, lines: { data: [] } }));
    expect(normalized.kind).toBe('ignore');
  });

  it('a one-time checkout still waiting for a delayed payment carries no payment yet', async () => {
    const normalized = await provider.parseEvent(
      variant('checkout.session.completed.payment.json', { payment_status: 'unpaid' }),
    );
    expect(normalized).toMatchObject({ kind: 'checkout.completed', payment: null });
  });

  it('the user comes from our metadata when client_reference_id is absent', async () => {
    const normalized = await provider.parseEvent(
      variant('checkout.session.completed.json', {
        client_reference_id: null,
        metadata: { user_id: 'user_from_metadata', checkout_id: 'checkout_42' },
      }),
    );
    expect(normalized).toMatchObject({ userId: 'user_from_metadata', checkoutId: 'checkout_42' });
  });

  it.each([
    ['won', 'won'],
    ['lost', 'lost'],
    ['warning_closed', 'won'],
    ['prevented', 'won'],
    ['needs_response', 'open'],
    ['under_review', 'open'],
    ['warning_needs_response', 'open'],
    ['warning_under_review', 'open'],
    ['appeal_needs_response', 'open'],
    ['a_status_stripe_adds_later', 'open'],
  ])('a dispute in Stripe status %s keeps access %s', async (stripeStatus, outcome) => {
    const normalized = await provider.parseEvent(variant('charge.dispute.closed.json', { status: stripeStatus }));
    expect(normalized).toMatchObject({ kind: 'dispute.updated', status: outcome });
  });

  it('a refund of a charge made without a PaymentIntent is referenced by the charge', async () => {
    const normalized = await provider.parseEvent(variant('charge.refunded.json', { payment_intent: null }));
    expect(normalized).toMatchObject({ kind: 'refund.updated', chargeReference: linked.charge });
  });

  it('a handled event in another API version is refused for good with stripe_api_version_unsupported; a subscription event in any version is read', async () => {
    const invoicePaid = {
      ...JSON.parse(readFixture('stripe', 'events', 'invoice.paid.json')),
      api_version: '2024-06-20',
    };
    const error = await failure(() => provider.parseEvent(JSON.stringify(invoicePaid)));
    expect(error).toMatchObject({ code: 'stripe_api_version_unsupported', retryable: false });
    const subscriptionUpdated = {
      ...JSON.parse(readFixture('stripe', 'events', 'customer.subscription.updated.json')),
      api_version: '2024-06-20',
    };
    expect(await provider.parseEvent(JSON.stringify(subscriptionUpdated))).toMatchObject({
      kind: 'subscription.changed',
    });
  });

  it('an event type we do not act on is ignored', async () => {
    const normalized = await provider.parseEvent(readFixture('stripe', 'objects', 'event.json'));
    expect(normalized).toEqual({ kind: 'ignore', reason: 'Stripe event type plan.created is not handled' });
  });

  it.each([
    ['not JSON', 'not json at all'],
    ['an event without a type', JSON.stringify({ id: 'evt_1', created: 1, data: { object: {} } })],
    ['an invoice without lines', variant('invoice.paid.json', { lines: undefined })],
    ['a dispute without an amount', variant('charge.dispute.created.json', { amount: '2000' })],
    ['a subscription without an id', variant('customer.subscription.updated.json', { id: 42 })],
  ])('a payload that is %s is refused as invalid and not retried', async (_label, payload) => {
    const error = await failure(() => provider.parseEvent(payload));
    expect(error.code).toBe('webhook_payload_invalid');
    expect(error.retryable).toBe(false);
  });

  it('a PaymentIntent lookup that Stripe cannot answer now is a retryable failure', async () => {
    fake.failNext('/v1/invoice_payments', 503, 1, { shouldRetry: false });
    const error = await failure(() => provider.parseEvent(readFixture('stripe', 'events', 'invoice.paid.json')));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
  });
});
