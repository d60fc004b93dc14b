import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSignatureHeader, signSandboxPayload } from '../core/billing/providers/sandbox/sandbox-signature.js';
import { type SandboxObject, sandboxShop } from '../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { auditLog, billingLedger, paymentEvents, providerCustomers, purchases } from '../db/schema/index.js';

const dayMs = 86_400_000;
const hourMs = 3_600_000;

interface Entitlements {
  tier: string;
  status: string;
  expires_at: string | null;
}

interface StoredEvent {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** Talks to one test app the way moderators, members and the sandbox provider would. */
function driver(harness: () => TestApp) {
  const app = () => harness().app;
  const { objects, subscriptionOf, subscribe } = sandboxShop(harness);
  return {
    objects,
    subscriptionOf,
    subscribe,
    async createUser(email: string) {
      return (await harness().createUser({ email })).id;
    },

    /** The subscription's payments, oldest first. */
    async paymentsOf(subscriptionId: string) {
      return (await objects('payment'))
        .filter((row) => row.data.subscription === subscriptionId)
        .sort((left, right) => Number(left.data.created) - Number(right.data.created));
    },

    /** A moderator drives the sandbox from the admin API; its webhooks are then processed. */
    async sandboxAction(path: string, payload?: Record<string, unknown>) {
      const response = await app().inject({
        method: 'POST',
        url: `/admin/sandbox/${path}`,
        headers: adminHeaders,
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      await harness().drain();
      return response.json<{ sent_event_ids: string[] }>().sent_event_ids;
    },

    async entitlements(userId: string) {
      const response = await app().inject({ method: 'GET', url: `/v1/entitlements/${userId}`, headers: adminHeaders });
      expect(response.statusCode).toBe(200);
      return response.json<Entitlements>();
    },

    async ledger(userId: string) {
      const rows = await harness().core.db.select().from(billingLedger).where(eq(billingLedger.userId, userId));
      return rows.map((row) => [row.kind, row.amountMinor] as const).sort();
    },

    async storedEvent(eventId: string) {
      const response = await app().inject({ method: 'GET', url: `/admin/webhooks/${eventId}`, headers: adminHeaders });
      expect(response.statusCode).toBe(200);
      return response.json<StoredEvent>();
    },
  };
}

const periodEndOf = (subscription: SandboxObject) => new Date(Number(subscription.data.current_period_end) * 1000);

describe('sandbox subscription lifecycle', () => {
  let harness: TestApp;
  const sandbox = driver(() => harness);
  beforeAll(async () => {
    // Retries an hour apart: nothing in these tests should need one, so a failure shows instead of hiding.
    harness = await createTestApp({ WEBHOOK_RETRY_BASE_MS: String(hourMs) });
  });
  afterAll(async () => harness?.close());

  it('a renewal keeps Pro, moves the expiry to the new period, and records a second payment', async () => {
    const userId = await sandbox.createUser('renewer@example.com');
    await sandbox.subscribe(userId);
    const subscription = await sandbox.subscriptionOf(userId);
    const firstEnd = periodEndOf(subscription);
    expect(await sandbox.entitlements(userId)).toMatchObject({
      tier: 'pro',
      status: 'active',
      expires_at: new Date(firstEnd.getTime() + 48 * hourMs).toISOString(),
    });

    harness.clock.set(firstEnd);
    await sandbox.sandboxAction(`subscriptions/${subscription.id}/renew`);
    const renewed = await sandbox.subscriptionOf(userId);
    const secondEnd = periodEndOf(renewed);
    expect(secondEnd.getTime()).toBeGreaterThan(firstEnd.getTime());
    expect(await sandbox.entitlements(userId)).toMatchObject({
      tier: 'pro',
      status: 'active',
      expires_at: new Date(secondEnd.getTime() + 48 * hourMs).toISOString(),
    });
    const recorded = await harness.core.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(recorded.map((purchase) => purchase.amountMinor)).toEqual([4900, 4900]);
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['payment', 4900],
      ['vault_contribution', 490],
      ['vault_contribution', 490],
    ]);
  });

  it('a failed renewal is past_due and keeps access until the grace period ends; recovery restores it', async () => {
    const userId = await sandbox.createUser('late-payer@example.com');
    await sandbox.subscribe(userId);
    const subscription = await sandbox.subscriptionOf(userId);
    harness.clock.set(periodEndOf(subscription));

    await sandbox.sandboxAction(`subscriptions/${subscription.id}/fail-payment`);
    const graceEnds = new Date(harness.clock.now().getTime() + 3 * dayMs);
    expect(await sandbox.entitlements(userId)).toMatchObject({
      tier: 'pro',
      status: 'past_due',
      expires_at: graceEnds.toISOString(),
    });
    harness.clock.advance(3 * dayMs - 1000);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'past_due' });
    harness.clock.advance(1000);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'free', status: 'past_due', expires_at: null });
    // No money arrived for the failed period.
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['vault_contribution', 490],
    ]);

    await sandbox.sandboxAction(`subscriptions/${subscription.id}/recover-payment`);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['payment', 4900],
      ['vault_contribution', 490],
      ['vault_contribution', 490],
    ]);
  });

  it('cancel at period end keeps access until the period ends, then the member is free and ended', async () => {
    const userId = await sandbox.createUser('leaver@example.com');
    await sandbox.subscribe(userId);
    const periodEnd = periodEndOf(await sandbox.subscriptionOf(userId));

    const canceled = await harness.app.inject({
      method: 'POST',
      url: '/v1/billing/cancel',
      headers: adminHeaders,
      payload: { user_id: userId },
    });
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json()).toMatchObject({ subscription: { cancel_at_period_end: true, status: 'active' } });
    await harness.drain();
    expect(await sandbox.entitlements(userId)).toMatchObject({
      tier: 'pro',
      status: 'canceled_at_period_end',
      expires_at: periodEnd.toISOString(),
    });

    harness.clock.set(new Date(periodEnd.getTime() - 1000));
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'canceled_at_period_end' });
    harness.clock.set(new Date(periodEnd.getTime() + 1000));
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'free', status: 'ended', expires_at: null });
  });

  it('a partial refund keeps access; refunding the rest revokes it and reverses payment and vault share', async () => {
    const userId = await sandbox.createUser('refunded@example.com');
    await sandbox.subscribe(userId);
    const [payment] = await sandbox.paymentsOf((await sandbox.subscriptionOf(userId)).id);

    await sandbox.sandboxAction(`payments/${payment!.id}/refund`, { amount_minor: 1000 });
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });

    await sandbox.sandboxAction(`payments/${payment!.id}/refund`, {});
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'free', status: 'refunded' });
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['refund', -1000],
      ['refund', -3900],
      ['vault_contribution', 490],
      ['vault_reversal', -100],
      ['vault_reversal', -390],
    ]);
  });

  it('a dispute freezes access and a won dispute restores it, with the money taken and given back', async () => {
    const userId = await sandbox.createUser('disputed-won@example.com');
    await sandbox.subscribe(userId);
    const [payment] = await sandbox.paymentsOf((await sandbox.subscriptionOf(userId)).id);

    await sandbox.sandboxAction(`payments/${payment!.id}/dispute`);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'free', status: 'disputed' });
    const dispute = (await sandbox.objects('dispute')).find((row) => row.data.payment === payment!.id)!;

    await sandbox.sandboxAction(`disputes/${dispute.id}/close`, { outcome: 'won' });
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(await sandbox.ledger(userId)).toEqual([
      ['dispute', -4900],
      ['dispute_reversal', 4900],
      ['payment', 4900],
      ['vault_contribution', 490],
    ]);
  });

  it('a lost dispute revokes access like a refund and takes back the vault share', async () => {
    const userId = await sandbox.createUser('disputed-lost@example.com');
    await sandbox.subscribe(userId);
    const [payment] = await sandbox.paymentsOf((await sandbox.subscriptionOf(userId)).id);
    await sandbox.sandboxAction(`payments/${payment!.id}/dispute`);
    const dispute = (await sandbox.objects('dispute')).find((row) => row.data.payment === payment!.id)!;

    await sandbox.sandboxAction(`disputes/${dispute.id}/close`, { outcome: 'lost' });
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'free', status: 'refunded' });
    expect(await sandbox.ledger(userId)).toEqual([
      ['dispute', -4900],
      ['payment', 4900],
      ['vault_contribution', 490],
      ['vault_reversal', -490],
    ]);
  });

  it('the same sandbox event delivered again is stored once and credits nothing twice', async () => {
    const userId = await sandbox.createUser('redelivered@example.com');
    await sandbox.subscribe(userId);
    const [payment] = await sandbox.paymentsOf((await sandbox.subscriptionOf(userId)).id);
    const event = (await sandbox.objects('event')).find(
      (row) => row.data.type === 'payment.succeeded' && String(row.data.body).includes(payment!.id),
    )!;
    const ledgerBefore = await sandbox.ledger(userId);

    // The provider retries (freshly signed) and someone replays the exact bytes by hand.
    await harness.core.sandbox!.redeliverEvent(event.id);
    const body = String(event.data.body);
    const again = await harness.postSandboxWebhook(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true, event_id: null });
    await harness.drain();

    const stored = await harness.core.db
      .select()
      .from(paymentEvents)
      .where(eq(paymentEvents.providerEventId, event.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await sandbox.ledger(userId)).toEqual(ledgerBefore);
  });

  it('every webhook of these lifecycles was processed on its first attempt (none failed, none dead)', async () => {
    const rows = await harness.core.db.select().from(paymentEvents);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((row) => row.status !== 'processed' || row.attempts !== 1)).toEqual([]);
  });
});

describe('webhook inbox robustness', () => {
  let harness: TestApp;
  const sandbox = driver(() => harness);
  const maxAttempts = 3;
  const retryBaseMs = 20 * 60_000;
  beforeAll(async () => {
    harness = await createTestApp({
      WEBHOOK_MAX_ATTEMPTS: String(maxAttempts),
      // Retries come due only when the test moves the clock and sweeps, never on a real timer.
      WEBHOOK_RETRY_BASE_MS: String(retryBaseMs),
    });
  });
  afterAll(async () => harness?.close());

  const nowSeconds = () => Math.floor(harness.clock.now().getTime() / 1000);
  const signedHeaders = (body: string) => ({
    'content-type': 'application/json',
    [sandboxSignatureHeader]: signSandboxPayload(body, harness.core.config.SANDBOX_WEBHOOK_SECRET, nowSeconds()),
  });

  /** What the app's own wiring does: post each sandbox webhook to the inbox route. */
  const deliverToInbox = async (body: string, headers: Record<string, string>) => {
    const response = await harness.app.inject({ method: 'POST', url: '/v1/webhooks/sandbox', headers, payload: body });
    if (response.statusCode !== 200) throw new Error(`delivery failed: ${response.statusCode} ${response.body}`);
  };

  /** Subscribes while holding back the payment.succeeded webhook; returns its exact body. */
  async function subscribeHoldingPayment(userId: string) {
    const held: string[] = [];
    harness.core.setSandboxDelivery(async (body, headers) => {
      if ((JSON.parse(body) as { type: string }).type === 'payment.succeeded') held.push(body);
      else await deliverToInbox(body, headers);
    });
    try {
      await sandbox.subscribe(userId);
    } finally {
      harness.core.setSandboxDelivery(deliverToInbox);
    }
    expect(held).toHaveLength(1);
    return held[0]!;
  }

  /** A row exactly as the inbox stores a verified event, in the state a crash left it. */
  async function storeEvent(body: string, state: Partial<typeof paymentEvents.$inferInsert>) {
    const envelope = JSON.parse(body) as { id: string; type: string };
    const [row] = await harness.core.db
      .insert(paymentEvents)
      .values({
        provider: 'sandbox',
        providerEventId: envelope.id,
        eventType: envelope.type,
        payload: body,
        status: 'pending',
        receivedAt: harness.clock.now(),
        ...state,
      })
      .returning();
    return row!;
  }

  it('an event claimed by a worker that died is left alone while the lease runs, then swept and processed', async () => {
    const userId = await sandbox.createUser('crashed-worker@example.com');
    const body = await subscribeHoldingPayment(userId);
    const row = await storeEvent(body, {
      status: 'processing',
      attempts: 1,
      lockedUntil: new Date(harness.clock.now().getTime() + 120_000),
    });
    expect(await sandbox.ledger(userId)).toEqual([]);

    expect(await harness.core.sweepPaymentEvents()).toBe(0);
    expect(await harness.core.processPaymentEvent(row.id)).toBe('skipped');

    harness.clock.advance(120_001);
    expect(await harness.core.sweepPaymentEvents()).toBe(1);
    await harness.drain();
    expect(await sandbox.storedEvent(row.id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['vault_contribution', 490],
    ]);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'pro', status: 'active' });
  });

  it('an event stored but never enqueued (the job was lost) is picked up by the sweeper', async () => {
    const userId = await sandbox.createUser('lost-job@example.com');
    const body = await subscribeHoldingPayment(userId);
    const row = await storeEvent(body, { status: 'pending' });

    // Young pending rows still have their first job on the way; the sweeper waits for them.
    expect(await harness.core.sweepPaymentEvents()).toBe(0);
    harness.clock.advance(11_000);
    expect(await harness.core.sweepPaymentEvents()).toBe(1);
    await harness.drain();
    expect(await sandbox.storedEvent(row.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 4900],
      ['vault_contribution', 490],
    ]);
  });

  /** A signed one-time payment webhook for a customer nobody has linked to a user yet. */
  async function postOrphanPayment(customerId: string) {
    const paidAt = nowSeconds();
    const body = JSON.stringify({
      id: `sbx_evt_${randomBytes(10).toString('hex')}`,
      type: 'payment.succeeded',
      created: paidAt,
      data: {
        object: {
          id: `sbx_pay_${randomBytes(10).toString('hex')}`,
          object: 'payment',
          kind: 'one_time',
          status: 'succeeded',
          customer: customerId,
          subscription: null,
          checkout: null,
          lines: [
            {
              plan_id: 'lifetime',
              plan_name: 'Lifetime',
              plan_price_id: 'lifetime_one_time_usd_v1',
              amount_minor: 29_900,
              currency: 'usd',
              interval: 'one_time',
              quantity: 1,
            },
          ],
          amount_minor: 29_900,
          currency: 'usd',
          amount_refunded_minor: 0,
          // A user id we never issued: the event cannot be linked through it.
          metadata: { user_id: randomUUID() },
          period_start: null,
          period_end: null,
          paid_at: paidAt,
          failed_at: null,
          attempt_count: 1,
          created: paidAt,
        },
      },
    });
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/webhooks/sandbox',
      headers: signedHeaders(body),
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    await harness.drain();
    return response.json<{ event_id: string }>().event_id;
  }

  /** Moves time past each retry and sweeps, until the event has used every attempt. */
  async function retryUntilDead(eventId: string) {
    for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
      const failed = await sandbox.storedEvent(eventId);
      expect(failed).toMatchObject({ status: 'failed', attempts: attempt });
      expect(failed.last_error).toMatch(/^user_unresolved/);
      const due = new Date(failed.next_attempt_at!);
      // Backoff: not due yet, so a sweep now leaves it alone.
      expect(due.getTime()).toBeGreaterThan(harness.clock.now().getTime());
      expect(await harness.core.sweepPaymentEvents()).toBe(0);
      harness.clock.set(due);
      expect(await harness.core.sweepPaymentEvents()).toBe(1);
      await harness.drain();
    }
    expect(await sandbox.storedEvent(eventId)).toMatchObject({ status: 'dead', attempts: maxAttempts });
  }

  /** The missing link appears: a user, known at the sandbox as this customer. */
  async function linkCustomer(customerId: string, email: string) {
    const userId = await sandbox.createUser(email);
    await harness.core.db
      .insert(providerCustomers)
      .values({ userId, provider: 'sandbox', providerCustomerId: customerId });
    return userId;
  }

  it('an event whose user never appears is retried with growing delays, then dead-lettered', async () => {
    const created = await harness.app.inject({
      method: 'POST',
      url: '/admin/plans',
      headers: adminHeaders,
      payload: {
        id: 'lifetime',
        kind: 'tier',
        name: 'Lifetime',
        rank: 25,
        features: ['community_basic', 'private_channels'],
        quotas: { signals_per_day: 500 },
        prices: [{ interval: 'one_time', amount_minor: 29_900 }],
      },
    });
    expect(created.statusCode).toBe(201);

    const eventId = await postOrphanPayment('sbx_cus_orphan1');
    const waits: number[] = [];
    for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
      const failed = await sandbox.storedEvent(eventId);
      expect(failed).toMatchObject({ status: 'failed', attempts: attempt });
      expect(failed.last_error).toMatch(/^user_unresolved/);
      const due = new Date(failed.next_attempt_at!);
      waits.push(due.getTime() - harness.clock.now().getTime());
      expect(await harness.core.sweepPaymentEvents()).toBe(0);
      harness.clock.set(due);
      expect(await harness.core.sweepPaymentEvents()).toBe(1);
      await harness.drain();
    }
    expect(await sandbox.storedEvent(eventId)).toMatchObject({ status: 'dead', attempts: maxAttempts });
    // Exponential backoff with ±20% jitter: about the base, then about twice the base.
    expect(waits[0]).toBeGreaterThanOrEqual(0.8 * retryBaseMs);
    expect(waits[0]).toBeLessThanOrEqual(1.2 * retryBaseMs);
    expect(waits[1]).toBeGreaterThanOrEqual(1.6 * retryBaseMs);
    expect(waits[1]).toBeLessThanOrEqual(2.4 * retryBaseMs);

    const dead = await harness.app.inject({ method: 'GET', url: '/admin/webhooks?status=dead', headers: adminHeaders });
    expect(dead.statusCode).toBe(200);
    expect(dead.json<{ events: StoredEvent[] }>().events).toEqual([
      expect.objectContaining({ id: eventId, status: 'dead', attempts: maxAttempts, next_attempt_at: null }),
    ]);
    // A dead letter stays put: no sweep or stray job takes it again.
    harness.clock.advance(10 * hourMs);
    expect(await harness.core.sweepPaymentEvents()).toBe(0);
    expect(await harness.core.processPaymentEvent(eventId)).toBe('skipped');
  });

  it('after the cause is fixed, POST /admin/webhooks/:id/replay processes a dead letter, audited, once', async () => {
    const eventId = await postOrphanPayment('sbx_cus_orphan2');
    await retryUntilDead(eventId);
    const userId = await linkCustomer('sbx_cus_orphan2', 'orphan-two@example.com');

    const replay = () =>
      harness.app.inject({ method: 'POST', url: `/admin/webhooks/${eventId}/replay`, headers: adminHeaders });
    const replayed = await replay();
    expect(replayed.statusCode).toBe(202);
    expect(replayed.json()).toMatchObject({ event: { id: eventId, status: 'pending', attempts: 0, last_error: null } });
    await harness.drain();
    expect(await sandbox.storedEvent(eventId)).toMatchObject({ status: 'processed', attempts: 1, last_error: null });
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'lifetime', status: 'active', expires_at: null });
    const ledger = [
      ['payment', 29_900],
      ['vault_contribution', 2990],
    ];
    expect(await sandbox.ledger(userId)).toEqual(ledger);

    // Replaying a processed event fills in nothing new: every effect is keyed.
    expect((await replay()).statusCode).toBe(202);
    await harness.drain();
    expect(await sandbox.storedEvent(eventId)).toMatchObject({ status: 'processed' });
    expect(await sandbox.ledger(userId)).toEqual(ledger);
    const audit = await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, eventId));
    expect(audit.map((row) => [row.action, row.actor])).toEqual([
      ['webhook_event.replayed', 'admin:api-key'],
      ['webhook_event.replayed', 'admin:api-key'],
    ]);

    const unknown = await harness.app.inject({
      method: 'POST',
      url: `/admin/webhooks/${randomUUID()}/replay`,
      headers: adminHeaders,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'webhook_event_not_found' } });
  });

  it('the replay-webhook script calls (replay, then process now) finish a dead letter exactly once, even with a worker racing', async () => {
    const eventId = await postOrphanPayment('sbx_cus_orphan3');
    await retryUntilDead(eventId);
    const userId = await linkCustomer('sbx_cus_orphan3', 'orphan-three@example.com');

    // What `npm run script replay-webhook <id>` does.
    const event = await harness.core.paymentEvents.replay(eventId, 'operator:script');
    expect(event).toMatchObject({ id: eventId, status: 'pending', attempts: 0 });
    const outcome = await harness.core.processPaymentEvent(event.id);
    // The replay also nudged this app's worker: whichever claims the event first processes it.
    expect(['processed', 'skipped']).toContain(outcome);
    await harness.drain();

    expect(await sandbox.storedEvent(eventId)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await sandbox.ledger(userId)).toEqual([
      ['payment', 29_900],
      ['vault_contribution', 2990],
    ]);
    expect(await sandbox.entitlements(userId)).toMatchObject({ tier: 'lifetime' });
    const [audit] = await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, eventId));
    expect(audit).toMatchObject({ action: 'webhook_event.replayed', actor: 'operator:script' });
  });
});
