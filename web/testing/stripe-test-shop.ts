import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { createStripeClient } from '../../core/billing/providers/stripe/create-stripe-client.js';
import type { EntitlementView } from '../../core/entitlements/entitlement-service.js';
import { type FakeStripe, type StripeEvent, startFakeStripeServer } from '../../core/testing/fake-stripe-server.js';
import { adminHeaders, createTestApp } from '../../core/testing/test-core.js';
import { billingLedger, paymentEvents } from '../../db/schema/index.js';

/**
 * A shop selling through a fake Stripe, driven over HTTP: the app, the real stripe SDK against
 * the fake on a local port, real signatures, the real webhook inbox, queue and database (PGlite
 * by default; Postgres, Redis and BullMQ when TEST_DATABASE_URL / TEST_REDIS_URL are set).
 */
export const primarySecret = 'whsec_a';
export const rotatedSecret = 'whsec_b';
export const minuteMs = 60_000;
export const dayMs = 86_400_000;
export const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
export const iso = (date: Date | null) => date?.toISOString() ?? null;
export const compareText = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

export type PublicEntitlements = Omit<EntitlementView, 'recheck_at'>;
export type CheckoutAnswer = { session_id: string; url: string; provider: string; expires_at: string; reused: boolean };
export type WebhookAnswer = { received: true; duplicate: boolean; event_id: string | null };

export const eventOf = (events: StripeEvent[], type: string): StripeEvent => {
  const found = events.find((event) => event.type === type);
  if (!found) throw new Error(`no ${type} among ${events.map((event) => event.type).join(', ')}`);
  return found;
};

/** A shop on its own database and clock, selling through the given fake Stripe. */
export async function openStripeTestShop(fake: FakeStripe) {
  const harness = await createTestApp({
    BILLING_PROVIDER_MODE: 'stripe',
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_API_BASE: fake.url,
    STRIPE_WEBHOOK_SECRET: `${primarySecret},${rotatedSecret}`,
  });
  const { db } = harness.core;
  // The test reads links Stripe does not put in webhooks (invoice -> PaymentIntent) like the adapter does.
  const stripe = createStripeClient({ secretKey: fake.secretKey, apiBase: fake.url });
  fake.setNow(harness.clock.now());

  /** Both clocks move together: Stripe's objects and events, and ours (signatures, grace, periods). */
  const at = (date: Date) => {
    if (date.getTime() < harness.clock.now().getTime()) throw new Error('the clock only moves forward');
    harness.clock.set(date);
    fake.setNow(date);
  };
  const advance = (milliseconds: number) => at(new Date(harness.clock.now().getTime() + milliseconds));

  const createUser = async (email: string) => (await harness.createUser({ email })).id;

  const checkout = async (userId: string, options: { plan_id?: string; interval?: string } = {}) => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout-session',
      headers: adminHeaders,
      payload: { user_id: userId, plan_id: 'pro', provider: 'stripe', ...options },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<CheckoutAnswer>();
  };

  /** Signs like Stripe does, timestamped by our clock (verification measures age against it). */
  const sign = (event: StripeEvent, secret = primarySecret, timestamp = seconds(harness.clock.now())) =>
    fake.signEvent(event, secret, timestamp);

  const post = (body: string, signature: string | undefined) =>
    harness.app.inject({
      method: 'POST',
      url: '/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { 'stripe-signature': signature }),
      },
      payload: body,
    });

  const deliverOne = async (event: StripeEvent, secret = primarySecret) => {
    const { body, signature } = sign(event, secret);
    const response = await post(body, signature);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<WebhookAnswer>();
  };

  const deliver = async (events: StripeEvent[], secret = primarySecret) => {
    for (const event of events) await deliverOne(event, secret);
  };

  /**
   * Runs jobs until every stored event is done. Events waiting for a prerequisite are retried
   * the way production retries them: time passes, the sweeper re-enqueues them, a worker runs.
   * Ends with every event processed or ignored; `deadLetters` lists the types expected dead.
   */
  const settle = async (options: { deadLetters?: string[] } = {}) => {
    await harness.drain();
    for (let round = 0; round < 40; round += 1) {
      const open = await db
        .select({ id: paymentEvents.id })
        .from(paymentEvents)
        .where(inArray(paymentEvents.status, ['pending', 'processing', 'failed']));
      if (open.length === 0) break;
      advance(10 * minuteMs);
      await harness.core.sweepPaymentEvents();
      await harness.drain();
    }
    const unfinished = await db
      .select({ type: paymentEvents.eventType, status: paymentEvents.status, error: paymentEvents.lastError })
      .from(paymentEvents)
      .where(inArray(paymentEvents.status, ['pending', 'processing', 'failed', 'dead']));
    const expectedDead = new Set(options.deadLetters ?? []);
    expect(unfinished.filter((event) => !(event.status === 'dead' && expectedDead.has(event.type)))).toEqual([]);
  };

  const entitlements = async (userId: string) => {
    const response = await harness.app.inject({
      method: 'GET',
      url: `/v1/entitlements/${userId}`,
      headers: adminHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<PublicEntitlements>();
  };

  /** Recomputes from stored facts at the current time (what the scheduled sweep does). */
  const refreshedEntitlements = async (userId: string) => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/entitlements/refresh',
      headers: adminHeaders,
      payload: { user_id: userId },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ entitlements: PublicEntitlements }>().entitlements;
  };

  const paymentIntentOfInvoice = async (invoiceId: string) => {
    const page = await stripe.invoicePayments.list({ invoice: invoiceId });
    const paymentIntent = page.data[0]?.payment.payment_intent;
    if (typeof paymentIntent !== 'string') throw new Error(`invoice ${invoiceId} has no PaymentIntent`);
    return paymentIntent;
  };

  /** A new member opens a Pro checkout and pays it at Stripe; nothing is delivered yet. */
  const buy = async (email: string) => {
    const userId = await createUser(email);
    const answer = await checkout(userId);
    const sessionId = new URL(answer.url).pathname.split('/').at(-1)!;
    const events = fake.completeCheckout(sessionId);
    const session = eventOf(events, 'checkout.session.completed').data.object;
    const invoiceId = eventOf(events, 'invoice.paid').data.object.id;
    return {
      userId,
      answer,
      sessionId,
      events,
      subscriptionId: session['subscription'] as string,
      invoiceId,
      paymentIntentId: await paymentIntentOfInvoice(invoiceId),
    };
  };

  /** A member on Pro: bought, delivered, processed. */
  const subscriber = async (email: string) => {
    const bought = await buy(email);
    await deliver(bought.events);
    await settle();
    expect(await entitlements(bought.userId)).toMatchObject({ tier: 'pro', status: 'active' });
    return bought;
  };

  const ledgerOf = async (userId: string) =>
    (await db.select().from(billingLedger).where(eq(billingLedger.userId, userId)))
      .map((entry) => ({ account: entry.account, kind: entry.kind, amountMinor: entry.amountMinor }))
      .sort((left, right) => compareText(`${left.kind}:${left.amountMinor}`, `${right.kind}:${right.amountMinor}`));

  return {
    harness,
    db,
    at,
    advance,
    createUser,
    checkout,
    sign,
    post,
    deliverOne,
    deliver,
    settle,
    entitlements,
    refreshedEntitlements,
    buy,
    subscriber,
    ledgerOf,
    close: () => harness.close(),
  };
}

export type StripeTestShop = Awaited<ReturnType<typeof openStripeTestShop>>;

/**
 * A fake Stripe server and a shop on it for one describe block: opened before its tests and
 * closed after. The fields are filled in `beforeAll`, so read them inside tests and hooks.
 */
export function useStripeTestShop(): { fake: FakeStripe; shop: StripeTestShop } {
  const context = {} as { fake: FakeStripe; shop: StripeTestShop };
  beforeAll(async () => {
    context.fake = await startFakeStripeServer();
    context.shop = await openStripeTestShop(context.fake);
  });
  afterAll(async () => {
    await context.shop?.close();
    await context.fake?.close();
  });
  return context;
}
