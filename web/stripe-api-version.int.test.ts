import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handledStripeEventTypes } from '../core/billing/providers/stripe/handled-stripe-events.js';
import { type FakeStripe, type StripeEvent, startFakeStripeServer } from '../core/testing/fake-stripe-server.js';
import { adminHeaders } from '../core/testing/test-core.js';
import { paymentEvents, purchases } from '../db/schema/index.js';
import { stripeWebhookEndpoint } from '../scripts/stripe-webhook-endpoint.js';
import { eventOf, useStripeTestShop } from './testing/stripe-test-shop.js';

/**
 * Stripe renders a webhook in the API version of the endpoint that sends it. This build reads
 * one version (the SDK's); an event in another is never recorded wrong.
 */

const olderVersion = '2024-06-20';

/**
 * The fake's invoice.paid (the pinned version's shape, from test-fixtures/stripe/events) put back
 * into the 2024-06-20 layout Stripe documents for API versions before 2025-03-31.basil: the
 * invoice names its subscription, charge and PaymentIntent at the top level and has no
 * `parent`; each line names its subscription and is priced by `price`/`plan` objects instead of
 * `pricing`; the line's `parent` did not exist.
 */
const asOlderInvoicePaid = (event: StripeEvent, links: { charge: string; paymentIntent: string }): StripeEvent => {
  const invoice = structuredClone(event.data.object) as StripeEvent['data']['object'] & {
    parent: { subscription_details: { subscription: string } };
    lines: { data: Array<Record<string, unknown>> };
  };
  const subscription = invoice.parent.subscription_details.subscription;
  const { parent: _parent, ...withoutParent } = invoice;
  return {
    ...event,
    api_version: olderVersion,
    data: {
      object: {
        ...withoutParent,
        subscription,
        charge: links.charge,
        payment_intent: links.paymentIntent,
        lines: {
          ...invoice.lines,
          data: invoice.lines.data.map((line) => {
            const { parent: _lineParent, pricing, ...rest } = line as { parent: unknown; pricing: unknown };
            const price = (pricing as { price_details: { price: string } }).price_details.price;
            return {
              ...rest,
              type: 'subscription',
              subscription,
              proration: false,
              price: { id: price, object: 'price' },
              plan: { id: price, object: 'plan' },
            };
          }),
        },
      },
    },
  };
};

describe('stripe webhook API versions', () => {
  const stripeTest = useStripeTestShop();

  it('an invoice.paid in an older API version is dead-lettered as stripe_api_version_unsupported, never recorded as a purchase', async () => {
    const bought = await stripeTest.shop.buy('older-version@example.com');
    const invoicePaid = eventOf(bought.events, 'invoice.paid');
    const paymentIntent = stripeTest.fake.object('payment_intent', bought.paymentIntentId)!;
    const links = { charge: paymentIntent['latest_charge'] as string, paymentIntent: bought.paymentIntentId };
    // Everything this endpoint sends is in the older version. Subscription events read only ids
    // and fetch the subscription, so they read right; both invoice events would not.
    const olderEvents = bought.events.map((event) =>
      event.type.startsWith('invoice.')
        ? asOlderInvoicePaid(event, links)
        : event.type.startsWith('customer.subscription.')
          ? { ...event, api_version: olderVersion }
          : event,
    );
    const older = eventOf(olderEvents, 'invoice.paid');
    await stripeTest.shop.deliver(olderEvents);
    await stripeTest.shop.settle({ deadLetters: ['invoice.paid', 'invoice.payment_succeeded'] });

    const [stored] = await stripeTest.shop.db
      .select()
      .from(paymentEvents)
      .where(eq(paymentEvents.providerEventId, older.id));
    expect(stored).toMatchObject({ status: 'dead', attempts: 1 });
    expect(stored!.lastError).toMatch(/^stripe_api_version_unsupported: /);
    expect(await stripeTest.shop.db.select().from(purchases).where(eq(purchases.userId, bought.userId))).toEqual([]);
    const stored_ = await stripeTest.shop.db.select().from(paymentEvents);
    expect(
      stored_.filter((row) => row.eventType.startsWith('customer.subscription.')).map((row) => row.status),
    ).not.toContain('dead');

    // Moderators see it among the dead letters, and can replay it.
    const listed = await stripeTest.shop.harness.app.inject({
      method: 'GET',
      url: '/admin/webhooks?status=dead',
      headers: adminHeaders,
    });
    expect(
      listed.json<{ events: Array<{ provider_event_id: string }> }>().events.map((row) => row.provider_event_id),
    ).toContain(older.id);
    const replayed = await stripeTest.shop.harness.app.inject({
      method: 'POST',
      url: `/admin/webhooks/${stored!.id}/replay`,
      headers: adminHeaders,
    });
    expect(replayed.statusCode, replayed.body).toBe(202);

    // The same event at the version this build reads is recorded with its plan and period.
    await stripeTest.shop.deliverOne({ ...invoicePaid, id: `${invoicePaid.id}_pinned` });
    await stripeTest.shop.settle({ deadLetters: ['invoice.paid', 'invoice.payment_succeeded'] });
    const [purchase] = await stripeTest.shop.db.select().from(purchases).where(eq(purchases.userId, bought.userId));
    expect(purchase).toMatchObject({ planId: 'pro' });
  });
});

describe('npm run script stripe-webhook-endpoint', () => {
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await startFakeStripeServer();
  });
  afterAll(async () => fake?.close());

  const run = (replace = false) =>
    stripeWebhookEndpoint({
      secretKey: fake.secretKey,
      apiBase: fake.url,
      publicUrl: 'https://shop.example.com/',
      idempotencyPrefix: 'cm',
      replace,
    });
  const endpoints = async () => {
    const stripe = new Stripe(fake.secretKey, {
      host: new URL(fake.url).hostname,
      port: Number(new URL(fake.url).port),
      protocol: 'http',
    });
    return (await stripe.webhookEndpoints.list({ limit: 100 })).data;
  };

  it('creates one endpoint pinned to the SDK version with exactly the handled events, prints its secret, and updates it on the next run', async () => {
    const created = await run();
    expect(created[0]).toMatch(/^created webhook endpoint we_/);
    expect(created.join('\n')).toMatch(/secret: whsec_\w+/);
    const [endpoint] = await endpoints();
    expect(endpoint).toMatchObject({
      url: 'https://shop.example.com/v1/webhooks/stripe',
      api_version: Stripe.API_VERSION,
    });
    expect([...endpoint!.enabled_events].sort()).toEqual([...handledStripeEventTypes].sort());
    const createRequest = fake.requests.find(
      (request) => request.path === '/v1/webhook_endpoints' && request.method === 'POST',
    );
    expect(createRequest?.idempotencyKey).toMatch(/^cm-/);

    const updated = await run();
    expect(updated[0]).toBe(`updated webhook endpoint ${endpoint!.id}`);
    expect(updated.join('\n')).toMatch(/secret: unchanged; Stripe shows it only when an endpoint is created/);
    expect(await endpoints()).toHaveLength(1);
  });

  it('an endpoint on another API version is refused unless --replace, which recreates it on the pinned version', async () => {
    const other = await startFakeStripeServer();
    try {
      const stripe = new Stripe(other.secretKey, {
        host: new URL(other.url).hostname,
        port: Number(new URL(other.url).port),
        protocol: 'http',
      });
      await stripe.webhookEndpoints.create({
        url: 'https://shop.example.com/v1/webhooks/stripe',
        enabled_events: ['invoice.paid'],
        api_version: olderVersion as Stripe.WebhookEndpointCreateParams.ApiVersion,
      });
      const options = {
        secretKey: other.secretKey,
        apiBase: other.url,
        publicUrl: 'https://shop.example.com',
        idempotencyPrefix: 'cm',
      };
      await expect(stripeWebhookEndpoint({ ...options, replace: false })).rejects.toMatchObject({
        code: 'stripe_webhook_endpoint_version_mismatch',
      });
      const replaced = await stripeWebhookEndpoint({ ...options, replace: true });
      expect(replaced[0]).toMatch(/^replaced webhook endpoint we_/);
      const remaining = (await stripe.webhookEndpoints.list()).data;
      expect(remaining.map((endpoint) => endpoint.api_version)).toEqual([Stripe.API_VERSION]);
    } finally {
      await other.close();
    }
  });
});
