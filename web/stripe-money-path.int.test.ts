import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, type StripeEvent, startFakeStripeServer } from '../core/testing/fake-stripe-server.js';
import { readJsonFixture } from '../core/testing/fixtures.js';
import { adminHeaders } from '../core/testing/test-core.js';
import { billingLedger, checkoutSessions, paymentEvents, purchases, subscriptions } from '../db/schema/index.js';
import { runStripeLifecycle } from './testing/stripe-lifecycle.js';
import {
  dayMs,
  eventOf,
  minuteMs,
  openStripeTestShop as openShop,
  primarySecret,
  rotatedSecret,
  type StripeTestShop as Shop,
  seconds,
  type WebhookAnswer,
} from './testing/stripe-test-shop.js';

/**
 * The Stripe money path end to end: the HTTP app, the real stripe SDK and a stateful fake Stripe
 * on a local port, real signatures, real webhook inbox, queue and database (PGlite by default;
 * Postgres, Redis and BullMQ when TEST_DATABASE_URL / TEST_REDIS_URL are set).
 */

describe('stripe money path', () => {
  let fake: FakeStripe;
  let shop: Shop;
  beforeAll(async () => {
    fake = await startFakeStripeServer();
    shop = await openShop(fake);
  });
  afterAll(async () => {
    await shop?.close();
    await fake?.close();
  });

  it('a member who pays a Stripe checkout gets Pro through the webhook, and our ids and keys travel with every write', async () => {
    const userId = await shop.createUser('stripe-payer@example.com');
    const answer = await shop.checkout(userId);
    expect(answer.provider).toBe('stripe');
    expect(answer.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_/);
    const sessionId = new URL(answer.url).pathname.split('/').at(-1)!;

    const created = fake.requests.filter(
      (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions' && request.status === 200,
    );
    expect(created).toHaveLength(1);
    const ours = {
      user_id: userId,
      checkout_id: answer.session_id,
      plan_id: 'pro',
      plan_price_id: 'pro_month_usd_v1',
    };
    expect(created[0]!.body).toMatchObject({
      mode: 'subscription',
      client_reference_id: userId,
      metadata: ours,
      subscription_data: { metadata: ours },
    });
    expect(created[0]!.idempotencyKey).toBe(`cm-checkout-${answer.session_id}`);

    expect(await shop.entitlements(userId)).toMatchObject({ tier: 'free', status: 'free' });

    const events = fake.completeCheckout(sessionId);
    await shop.deliver(events);
    await shop.settle();

    const granted = await shop.entitlements(userId);
    expect(granted).toMatchObject({
      user_id: userId,
      tier: 'pro',
      status: 'active',
      quotas: { signals_per_day: 1000, api_rpm: 300 },
    });
    expect(granted.features).toEqual(expect.arrayContaining(['api_keys', 'autotrade_sandbox']));

    const status = await shop.harness.app.inject({
      method: 'GET',
      url: `/v1/billing/subscription-status?user_id=${userId}`,
      headers: adminHeaders,
    });
    expect(status.statusCode).toBe(200);
    const subscriptionId = eventOf(events, 'checkout.session.completed').data.object['subscription'];
    expect(status.json()).toMatchObject({
      user_id: userId,
      subscription: {
        provider: 'stripe',
        provider_subscription_id: subscriptionId,
        plan_id: 'pro',
        plan_price_id: 'pro_month_usd_v1',
        status: 'active',
        cancel_at_period_end: false,
      },
      entitlements: { tier: 'pro', status: 'active' },
    });
    const [session] = await shop.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, answer.session_id));
    expect(session).toMatchObject({ status: 'completed', providerSessionId: sessionId });

    const posts = fake.requests.filter((request) => request.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const request of posts) expect(request.idempotencyKey, request.path).toMatch(/^cm-/);
  });

  it('an invoice.paid delivered 10 times in a row is stored once and credits once', async () => {
    const bought = await shop.buy('repeat-sequential@example.com');
    const invoicePaid = eventOf(bought.events, 'invoice.paid');
    await shop.deliver(bought.events.filter((event) => event !== invoicePaid));
    await shop.settle();

    const answers: WebhookAnswer[] = [];
    for (let delivery = 0; delivery < 10; delivery += 1) answers.push(await shop.deliverOne(invoicePaid));
    await shop.settle();

    expect(answers.map((answer) => answer.duplicate)).toEqual([false, ...Array(9).fill(true)]);
    await expectCreditedOnce(shop, bought.userId, invoicePaid.id);
  });

  it('an invoice.paid delivered 10 times at once is stored once and credits once', async () => {
    const bought = await shop.buy('repeat-concurrent@example.com');
    const invoicePaid = eventOf(bought.events, 'invoice.paid');
    const { body, signature } = shop.sign(invoicePaid);
    const responses = await Promise.all(Array.from({ length: 10 }, () => shop.post(body, signature)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    const duplicates = responses.map((response) => response.json<WebhookAnswer>().duplicate);
    expect(duplicates.filter((duplicate) => !duplicate)).toHaveLength(1);

    await shop.deliver(bought.events.filter((event) => event !== invoicePaid));
    await shop.settle();
    await expectCreditedOnce(shop, bought.userId, invoicePaid.id);
  });

  it('a webhook with a bad, missing or stale signature is refused with a stable code and stores nothing; the rotated secret is accepted', async () => {
    const bought = await shop.buy('signatures@example.com');
    const completed = eventOf(bought.events, 'checkout.session.completed');
    const { body } = shop.sign(completed);
    const now = seconds(shop.harness.clock.now());

    const refusals = [
      { signature: shop.sign(completed, 'whsec_not_ours').signature, code: 'webhook_signature_invalid' },
      { signature: undefined, code: 'webhook_signature_missing' },
      { signature: shop.sign(completed, primarySecret, now - 301).signature, code: 'webhook_signature_invalid' },
      // Right secret, other bytes: the body was changed after signing.
      {
        signature: shop.sign({ ...completed, id: `${completed.id}_forged` }).signature,
        code: 'webhook_signature_invalid',
      },
    ];
    for (const refusal of refusals) {
      const response = await shop.post(body, refusal.signature);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: refusal.code } });
    }
    const stale = await shop.post(body, shop.sign(completed, primarySecret, now - 301).signature);
    expect(stale.json()).toMatchObject({ error: { details: { reason: 'stale' } } });
    await shop.harness.drain();
    expect(await shop.db.select().from(paymentEvents).where(eq(paymentEvents.providerEventId, completed.id))).toEqual(
      [],
    );
    expect(await shop.entitlements(bought.userId)).toMatchObject({ tier: 'free' });

    // During a rotation Stripe signs with the new secret; both configured secrets are accepted.
    for (const event of bought.events)
      expect(await shop.deliverOne(event, rotatedSecret)).toMatchObject({ duplicate: false });
    await shop.settle();
    expect(await shop.entitlements(bought.userId)).toMatchObject({ tier: 'pro', status: 'active' });
  });

  it('a full refund revokes access and reverses revenue and the vault share; a partial refund keeps access', async () => {
    const full = await shop.subscriber('refund-full@example.com');
    shop.advance(dayMs);
    await shop.deliver(fake.refundCharge(full.paymentIntentId));
    await shop.settle();
    expect(await shop.entitlements(full.userId)).toMatchObject({ tier: 'free', status: 'refunded' });
    expect(await shop.ledgerOf(full.userId)).toEqual([
      { account: 'revenue', kind: 'payment', amountMinor: 4900 },
      { account: 'revenue', kind: 'refund', amountMinor: -4900 },
      { account: 'vault', kind: 'vault_contribution', amountMinor: 490 },
      { account: 'vault', kind: 'vault_reversal', amountMinor: -490 },
    ]);

    const partial = await shop.subscriber('refund-partial@example.com');
    shop.advance(dayMs);
    await shop.deliver(fake.refundCharge(partial.paymentIntentId, 1000));
    await shop.settle();
    expect(await shop.entitlements(partial.userId)).toMatchObject({ tier: 'pro', status: 'active' });
    const [purchase] = await shop.db.select().from(purchases).where(eq(purchases.userId, partial.userId));
    expect(purchase).toMatchObject({ amountMinor: 4900, amountRefundedMinor: 1000 });
    expect(await shop.ledgerOf(partial.userId)).toEqual([
      { account: 'revenue', kind: 'payment', amountMinor: 4900 },
      { account: 'revenue', kind: 'refund', amountMinor: -1000 },
      { account: 'vault', kind: 'vault_contribution', amountMinor: 490 },
      { account: 'vault', kind: 'vault_reversal', amountMinor: -100 },
    ]);
  });

  it('an open dispute freezes access; a won dispute restores Pro, a lost one leaves it revoked', async () => {
    const winner = await shop.subscriber('dispute-won@example.com');
    const loser = await shop.subscriber('dispute-lost@example.com');
    shop.advance(dayMs);
    const winnerOpened = fake.openDispute(winner.paymentIntentId);
    const loserOpened = fake.openDispute(loser.paymentIntentId);
    await shop.deliver([...winnerOpened, ...loserOpened]);
    await shop.settle();
    for (const userId of [winner.userId, loser.userId])
      expect(await shop.entitlements(userId)).toMatchObject({ tier: 'free', status: 'disputed' });

    shop.advance(dayMs);
    await shop.deliver(fake.closeDispute(winnerOpened[0]!.data.object.id, 'won'));
    await shop.deliver(fake.closeDispute(loserOpened[0]!.data.object.id, 'lost'));
    await shop.settle();

    expect(await shop.entitlements(winner.userId)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(await shop.ledgerOf(winner.userId)).toEqual([
      { account: 'revenue', kind: 'dispute', amountMinor: -4900 },
      { account: 'revenue', kind: 'dispute_reversal', amountMinor: 4900 },
      { account: 'revenue', kind: 'payment', amountMinor: 4900 },
      { account: 'vault', kind: 'vault_contribution', amountMinor: 490 },
    ]);
    expect(await shop.entitlements(loser.userId)).toMatchObject({ tier: 'free', status: 'refunded' });
    expect(await shop.ledgerOf(loser.userId)).toEqual([
      { account: 'revenue', kind: 'dispute', amountMinor: -4900 },
      { account: 'revenue', kind: 'payment', amountMinor: 4900 },
      { account: 'vault', kind: 'vault_contribution', amountMinor: 490 },
      { account: 'vault', kind: 'vault_reversal', amountMinor: -490 },
    ]);
  });

  it('a dispute verdict that arrives before its opening books the withdrawal when the dispute opened, once', async () => {
    const member = await shop.subscriber('dispute-verdict-first@example.com');
    shop.advance(dayMs);
    const openedAt = shop.harness.clock.now();
    const opened = fake.openDispute(member.paymentIntentId);
    shop.advance(2 * dayMs);
    const closedAt = shop.harness.clock.now();
    const closed = fake.closeDispute(opened[0]!.data.object.id, 'lost');
    await shop.deliver([...closed, ...opened]);
    await shop.settle();

    expect(await shop.entitlements(member.userId)).toMatchObject({ tier: 'free', status: 'refunded' });
    const entries = await shop.db.select().from(billingLedger).where(eq(billingLedger.userId, member.userId));
    const booked = entries
      .filter((entry) => entry.kind !== 'payment' && entry.kind !== 'vault_contribution')
      .map((entry) => [entry.kind, entry.amountMinor, entry.occurredAt.toISOString()])
      .sort();
    expect(booked).toEqual([
      ['dispute', -4900, openedAt.toISOString()],
      ['vault_reversal', -490, closedAt.toISOString()],
    ]);
  });

  it('an unknown event type is stored as ignored and answered 200', async () => {
    const fixture = readJsonFixture<StripeEvent>('stripe', 'objects', 'event.json');
    expect(fixture.type).toBe('plan.created');
    const event: StripeEvent = {
      ...fixture,
      id: `evt_${randomBytes(12).toString('hex')}`,
      created: seconds(shop.harness.clock.now()),
    };
    const first = await shop.deliverOne(event);
    expect(first).toMatchObject({ received: true, duplicate: false });
    expect(await shop.deliverOne(event)).toMatchObject({ received: true, duplicate: true });
    await shop.harness.drain();
    const stored = await shop.db.select().from(paymentEvents).where(eq(paymentEvents.providerEventId, event.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: first.event_id, eventType: 'plan.created', status: 'ignored' });
    expect(stored[0]!.processedAt).not.toBeNull();
  });

  // The tests below move the clock by days; they run after those that do not.

  it('a past_due member keeps Pro until the grace period ends, loses it then, and gets it back when the payment recovers', async () => {
    const member = await shop.subscriber('past-due@example.com');
    const periodEnd = fake.object('subscription', member.subscriptionId)!['items'] as {
      data: Array<{ current_period_end: number }>;
    };
    shop.at(new Date(periodEnd.data[0]!.current_period_end * 1000));
    await shop.deliver(fake.failRenewal(member.subscriptionId));
    await shop.settle();

    expect(await shop.entitlements(member.userId)).toMatchObject({ tier: 'pro', status: 'past_due' });
    const [row] = await shop.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.providerSubscriptionId, member.subscriptionId));
    expect(row).toMatchObject({ status: 'past_due' });
    const graceEnds = row!.pastDueSince!.getTime() + 3 * dayMs;

    shop.at(new Date(graceEnds - minuteMs));
    expect(await shop.entitlements(member.userId)).toMatchObject({ tier: 'pro', status: 'past_due' });
    // Nothing arrives when grace runs out: the stored entitlement is recomputed because its time passed.
    shop.at(new Date(graceEnds + minuteMs));
    expect(await shop.entitlements(member.userId)).toMatchObject({ tier: 'free', status: 'past_due' });

    shop.advance(minuteMs);
    await shop.deliver(fake.recoverPayment(member.subscriptionId));
    await shop.settle();
    expect(await shop.entitlements(member.userId)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(
      (await shop.db.select().from(purchases).where(eq(purchases.userId, member.userId))).map((purchase) => [
        purchase.kind,
        purchase.amountMinor,
      ]),
    ).toEqual([
      ['subscription', 4900],
      ['subscription', 4900],
    ]);
  });

  it('a one-time payment grants the tier for the days it bought, then ends', async () => {
    const patched = await shop.harness.app.inject({
      method: 'PATCH',
      url: '/admin/plans/pro',
      headers: adminHeaders,
      payload: { prices: [{ interval: 'one_time', amount_minor: 9900, access_days: 30 }] },
    });
    expect(patched.statusCode, patched.body).toBe(200);

    const userId = await shop.createUser('one-time@example.com');
    const answer = await shop.checkout(userId, { interval: 'one_time' });
    const sessionId = new URL(answer.url).pathname.split('/').at(-1)!;
    const request = fake.requests.find(
      (candidate) =>
        candidate.method === 'POST' &&
        candidate.path === '/v1/checkout/sessions' &&
        candidate.idempotencyKey === `cm-checkout-${answer.session_id}`,
    );
    expect(request?.body).toMatchObject({
      mode: 'payment',
      client_reference_id: userId,
      payment_intent_data: { metadata: { user_id: userId, plan_price_id: 'pro_one_time_usd_v1' } },
    });

    const events = fake.completeCheckout(sessionId);
    expect(events.map((event) => event.type)).toEqual(['checkout.session.completed']);
    await shop.deliver(events);
    await shop.settle();

    const paidAt = new Date(events[0]!.created * 1000);
    const bought = await shop.entitlements(userId);
    expect(bought).toMatchObject({
      tier: 'pro',
      status: 'active',
      expires_at: new Date(paidAt.getTime() + 30 * dayMs).toISOString(),
    });
    const [purchase] = await shop.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(purchase).toMatchObject({
      kind: 'one_time',
      planId: 'pro',
      planPriceId: 'pro_one_time_usd_v1',
      amountMinor: 9900,
    });
    expect(await shop.ledgerOf(userId)).toEqual([
      { account: 'revenue', kind: 'payment', amountMinor: 9900 },
      { account: 'vault', kind: 'vault_contribution', amountMinor: 990 },
    ]);

    shop.at(new Date(paidAt.getTime() + 30 * dayMs - minuteMs));
    expect(await shop.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });
    shop.at(new Date(paidAt.getTime() + 30 * dayMs + minuteMs));
    expect(await shop.entitlements(userId)).toMatchObject({ tier: 'free', status: 'ended' });
  });

  it('the ledger refuses UPDATE and DELETE, and every write we sent Stripe carried our idempotency key', async () => {
    const before = await shop.db.select().from(billingLedger);
    expect(before.length).toBeGreaterThan(0);
    await expect(shop.harness.core.database.exec('update billing_ledger set amount_minor = 0')).rejects.toThrow(
      /append-only/,
    );
    await expect(shop.harness.core.database.exec('delete from billing_ledger')).rejects.toThrow(/append-only/);
    expect(await shop.db.select().from(billingLedger)).toEqual(before);

    const posts = fake.requests.filter((request) => request.method === 'POST');
    for (const request of posts) expect(request.idempotencyKey, request.path).toMatch(/^cm-/);
  });
});

async function expectCreditedOnce(shop: Shop, userId: string, providerEventId: string) {
  const stored = await shop.db.select().from(paymentEvents).where(eq(paymentEvents.providerEventId, providerEventId));
  expect(stored.map((row) => row.status)).toEqual(['processed']);
  const bought = await shop.db.select().from(purchases).where(eq(purchases.userId, userId));
  expect(bought).toHaveLength(1);
  expect(await shop.ledgerOf(userId)).toEqual([
    { account: 'revenue', kind: 'payment', amountMinor: 4900 },
    { account: 'vault', kind: 'vault_contribution', amountMinor: 490 },
  ]);
  expect(await shop.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });
}

describe('stripe events delivered out of order', () => {
  let fake: FakeStripe;
  let inOrder: Record<string, unknown>;
  beforeAll(async () => {
    fake = await startFakeStripeServer();
    inOrder = await runStripeLifecycle(fake, 'live');
  }, 120_000);
  afterAll(async () => fake?.close());

  it('delivered as it happens, the lifecycle ends where the rules say', () => {
    expect(inOrder).toMatchObject({
      a: {
        checkout: 'completed',
        subscriptions: [{ status: 'canceled', planId: 'pro' }],
        purchases: [{ amountMinor: 4900 }, { amountMinor: 4900 }],
        ledgerSum: 2 * (4900 + 490),
        entitlements: { tier: 'free', status: 'ended' },
      },
      b: {
        purchases: [{ amountRefundedMinor: 1000, disputeStatus: 'won' }],
        ledgerSum: 4900 + 490 - 1000 - 100,
        entitlements: { tier: 'pro', status: 'active' },
      },
      c: {
        purchases: [{ amountRefundedMinor: 4900 }],
        ledgerSum: 0,
        entitlements: { tier: 'free', status: 'refunded' },
      },
      d: {
        purchases: [{ disputeStatus: 'lost' }],
        ledgerSum: 0,
        entitlements: { tier: 'free', status: 'refunded' },
      },
      events: { processed: 26 },
    });
  });

  it.each([1, 7, 42, 2026])(
    'delivered in shuffled order (seed %i), the lifecycle ends in the same subscriptions, purchases, ledger and entitlements',
    async (seed) => {
      expect(await runStripeLifecycle(fake, seed)).toEqual(inOrder);
    },
    120_000,
  );

  it('a replay storm (every event 10 times, shuffled, 50 at once, across two deployments) applies each event exactly once: the same ledger and entitlements as delivering each once', async () => {
    const storm = { copies: 10, concurrency: 50 };
    const outcome = await runStripeLifecycle(fake, 2027, storm);
    expect(outcome).toEqual(inOrder);
    const events = Object.values((inOrder as { events: Record<string, number> }).events).reduce(
      (sum, count) => sum + count,
      0,
    );
    console.log(
      `FIGURE replay-storm events=${events} deliveries=${events * storm.copies} concurrency=${storm.concurrency} deployments=2 applied-once=true`,
    );
  }, 180_000);
});
