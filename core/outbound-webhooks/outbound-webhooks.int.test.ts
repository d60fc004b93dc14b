import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { createFakeChatPlatform, type FakeChatPlatform } from '../testing/fake-chat-platform.js';
import { sandboxShop } from '../testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';
import { verifyStandardWebhook } from './testing/verify-standard-webhook.js';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver.js';

const minute = 60_000;
const hour = 60 * minute;

describe('outbound webhooks', () => {
  let harness: TestApp;
  let receiver: WebhookReceiver;
  let discord: FakeChatPlatform;
  const shop = sandboxShop(() => harness);
  let nextId = 0;

  beforeAll(async () => {
    harness = await createTestApp({ OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: 'true', OUTBOUND_WEBHOOK_TIMEOUT_MS: '3000' });
    discord = createFakeChatPlatform({ name: 'discord' });
    harness.core.access.registerPlatform(discord.platform);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  /** Jobs and the sends they start, until neither has anything left. */
  async function settle() {
    for (let round = 0; round < 4; round += 1) {
      await harness.drain();
      await harness.core.outboundWebhooks.idle();
    }
  }

  async function member(plan: 'pro' | 'free' = 'pro') {
    nextId += 1;
    const externalId = `82000000000000${String(nextId).padStart(4, '0')}`;
    const { id: userId } = await harness.createUser({
      email: `hooks${nextId}@example.com`,
      platform: 'discord',
      external_id: externalId,
    });
    if (plan === 'pro')
      await harness.core.grants.grant(
        { userId, planId: 'pro', days: 3650, expiresAt: null, reason: 'webhook tests' },
        'test',
      );
    await settle();
    const token = (await harness.core.auth.issueTokens(userId)).access_token;
    return { userId, externalId, headers: { authorization: `Bearer ${token}` } };
  }

  async function register(owner: { headers: Record<string, string> }, path: string, events: string[]) {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: owner.headers,
      payload: { url: receiver.url(path), events },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string; secret: string }>();
  }

  const signal = (): PublishedSignal => ({
    id: randomUUID(),
    sequence: nextId,
    instrument: 'BTCUSDT',
    side: 'long',
    entry: '64250.5',
    stop: '63000',
    targets: ['66000', '68000'],
    note: null,
    publishedAt: harness.clock.now(),
    hash: 'ab'.repeat(32),
  });

  const deliveriesOf = (endpointId: string) =>
    harness.core.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
  const endpointRow = async (endpointId: string) =>
    (await harness.core.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)))[0]!;
  /** The DMs about webhook endpoints (the Pro grant sends its own access DM). */
  const dmsTo = (externalId: string) =>
    discord.dms.filter((dm) => dm.externalId === externalId && dm.message.text.includes('webhook endpoint'));
  /** A fresh access token (they live minutes; some tests move the clock further). */
  const signIn = async (owner: { userId: string; headers: Record<string, string> }) => {
    owner.headers = { authorization: `Bearer ${(await harness.core.auth.issueTokens(owner.userId)).access_token}` };
  };

  it('a delivery is signed so that a receiver following the Standard Webhooks spec verifies it', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/signed', ['signal.published']);
    const published = signal();
    await harness.core.outboundWebhooks.publishSignal(published);
    await settle();

    const [request] = receiver.at('/signed');
    expect(request).toBeDefined();
    expect(request!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(request!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyStandardWebhook(endpoint.secret, request!.headers, request!.body, harness.clock.now())).toBe(true);
    // The verifier can say no: one changed byte, or another secret, fails it.
    expect(verifyStandardWebhook(endpoint.secret, request!.headers, `${request!.body} `, harness.clock.now())).toBe(
      false,
    );
    const payload = JSON.parse(request!.body);
    expect(payload).toMatchObject({
      type: 'signal.published',
      data: { id: published.id, instrument: 'BTCUSDT', side: 'long', entry: '64250.5', targets: ['66000', '68000'] },
    });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      eventId: request!.headers['webhook-id'],
    });
    // Kept to sign, but never in the clear.
    expect((await endpointRow(endpoint.id)).secretCiphertext).not.toContain(endpoint.secret.slice(6, 30));
  });

  it('a signal published through core.signals reaches the endpoint without the publisher waiting on it', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/published', ['signal.published']);
    let release!: () => void;
    receiver.answer('/published', { status: 200, until: new Promise<void>((resolve) => (release = resolve)) });
    // Publishing returns while the receiver is still holding the request open.
    const { signal: published } = await harness.core.signals.publish(
      {
        instrument: 'ethusdt',
        side: 'short',
        entry: '3200',
        stop: '3300',
        targets: ['3000'],
        idempotency_key: `hooks-${randomUUID()}`,
      },
      'test',
    );
    await receiver.waitFor('/published');
    const [request] = receiver.at('/published');
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'signal.published',
      data: { id: published.id, instrument: 'ETHUSDT', side: 'short', sequence: published.sequence },
    });
    expect(verifyStandardWebhook(endpoint.secret, request!.headers, request!.body, harness.clock.now())).toBe(true);
    release();
    await settle();
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('a published signal whose fan-out job was lost is fanned out by the sweeper', async () => {
    const owner = await member();
    await register(owner, '/missed', ['signal.published']);
    const { signal: published } = await harness.core.signals.publish(
      {
        instrument: 'SOLUSDT',
        side: 'long',
        entry: '150',
        stop: '140',
        targets: ['170'],
        idempotency_key: `hooks-${randomUUID()}`,
      },
      'test',
    );
    await settle();
    expect(receiver.at('/missed')).toHaveLength(1);
    // The state a lost job leaves: the signal is stored, its webhook event and deliveries are not.
    const sourceKey = `signal.published:${published.id}`;
    const [event] = await harness.core.db.select().from(webhookEvents).where(eq(webhookEvents.sourceKey, sourceKey));
    await harness.core.db.delete(webhookDeliveries).where(eq(webhookDeliveries.eventId, event!.id));
    await harness.core.db.delete(webhookEvents).where(eq(webhookEvents.id, event!.id));
    harness.clock.advance(minute);
    await harness.core.outboundWebhooks.sweep();
    await settle();
    const requests = receiver.at('/missed');
    expect(requests).toHaveLength(2);
    expect(JSON.parse(requests[1]!.body).data.id).toBe(published.id);
    // Once stored, later sweeps leave it alone.
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/missed')).toHaveLength(2);
  });

  it('the same signal published twice reaches an endpoint once', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/once', ['signal.published']);
    const published = signal();
    await harness.core.outboundWebhooks.publishSignal(published);
    await harness.core.outboundWebhooks.publishSignal(published);
    await settle();
    expect(receiver.at('/once')).toHaveLength(1);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
  });

  it('a failing receiver is retried with growing delays for a day, then the endpoint is disabled with exactly one DM', async () => {
    const owner = await member();
    receiver.answer('/down', { status: 500, body: 'x'.repeat(5000) });
    const endpoint = await register(owner, '/down', ['signal.published']);
    const start = harness.clock.now();
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();

    const delays: number[] = [];
    for (let round = 0; round < 200; round += 1) {
      const [delivery] = await deliveriesOf(endpoint.id);
      if (delivery!.status !== 'retrying') break;
      delays.push(delivery!.nextAttemptAt!.getTime() - delivery!.lastAttemptAt!.getTime());
      harness.clock.set(delivery!.nextAttemptAt!);
      await harness.core.outboundWebhooks.sweep();
      await settle();
    }
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 500 });
    expect(delivery!.responseExcerpt!.length).toBeLessThanOrEqual(512);
    expect(receiver.at('/down')).toHaveLength(delivery!.attempts);
    expect(delays[0]).toBeGreaterThanOrEqual(24_000);
    expect(delays[0]).toBeLessThanOrEqual(36_000);
    // Doubling (jitter cannot undo a doubling) until the one-hour cap.
    for (let index = 1; index < delays.length && delays[index - 1]! < (0.8 * hour) / 2; index += 1)
      expect(delays[index]).toBeGreaterThan(delays[index - 1]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1.2 * hour);
    // The last attempt is the one at the end of the day.
    expect(delivery!.lastAttemptAt!.getTime() - start.getTime()).toBe(24 * hour);

    const row = await endpointRow(endpoint.id);
    expect(row).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    expect(dmsTo(owner.externalId)).toHaveLength(1);
    expect(dmsTo(owner.externalId)[0]!.message.text).toContain(receiver.url('/down'));

    // Nothing more goes out, and no second DM, whatever runs again.
    const requestsBefore = receiver.at('/down').length;
    await harness.core.outboundWebhooks.publishSignal(signal());
    harness.clock.advance(hour);
    await harness.core.outboundWebhooks.sweep();
    await harness.core.outboundWebhooks.deliver(delivery!.id);
    await settle();
    expect(receiver.at('/down')).toHaveLength(requestsBefore);
    expect(dmsTo(owner.externalId)).toHaveLength(1);
    // About thirty attempts, each a real request: generous room on a busy machine.
  }, 120_000);

  it('a receiver that recovers within the day keeps its endpoint', async () => {
    const owner = await member();
    let failures = 3;
    receiver.answer('/flaky', () => (failures-- > 0 ? { status: 503 } : { status: 204 }));
    const endpoint = await register(owner, '/flaky', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    for (let round = 0; round < 10; round += 1) {
      const [delivery] = await deliveriesOf(endpoint.id);
      if (delivery!.status !== 'retrying') break;
      harness.clock.set(delivery!.nextAttemptAt!);
      await harness.core.outboundWebhooks.sweep();
      await settle();
    }
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 204 });
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    expect(dmsTo(owner.externalId)).toHaveLength(0);
  });

  it('410 Gone disables the endpoint at once, without retrying, with one DM', async () => {
    const owner = await member();
    receiver.answer('/gone', { status: 410 });
    const endpoint = await register(owner, '/gone', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410, nextAttemptAt: null });
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect(dmsTo(owner.externalId)).toHaveLength(1);
    expect(dmsTo(owner.externalId)[0]!.message.text).toContain('410');
    harness.clock.advance(hour);
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/gone')).toHaveLength(1);
  });

  it('redelivery by id sends the same event id and body again, and is 404 for another member', async () => {
    const owner = await member();
    const stranger = await member();
    const endpoint = await register(owner, '/again', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    const [delivery] = await deliveriesOf(endpoint.id);

    const refused = await harness.app.inject({
      method: 'POST',
      url: `/v1/webhook-deliveries/${delivery!.id}/redeliver`,
      headers: stranger.headers,
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('webhook_delivery_not_found');
    const listing = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`,
      headers: stranger.headers,
    });
    expect(listing.statusCode).toBe(404);
    expect(receiver.at('/again')).toHaveLength(1);

    harness.clock.advance(10 * minute);
    await signIn(owner);
    const redelivered = await harness.app.inject({
      method: 'POST',
      url: `/v1/webhook-deliveries/${delivery!.id}/redeliver`,
      headers: owner.headers,
    });
    expect(redelivered.statusCode, redelivered.body).toBe(202);
    await settle();
    const [first, second] = receiver.at('/again');
    expect(second).toBeDefined();
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    // A new attempt: its own timestamp, signed the same way.
    expect(second!.headers['webhook-timestamp']).not.toBe(first!.headers['webhook-timestamp']);
    expect(verifyStandardWebhook(endpoint.secret, second!.headers, second!.body, harness.clock.now())).toBe(true);

    const mine = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`,
      headers: owner.headers,
    });
    expect(mine.json().deliveries).toEqual([
      expect.objectContaining({ id: delivery!.id, status: 'succeeded', attempts: 2, event_type: 'signal.published' }),
    ]);
  });

  it('rotating the secret changes the signature: the new secret verifies, the old one no longer does', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/rotate', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    await signIn(owner);
    const rotated = await harness.app.inject({
      method: 'POST',
      url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
      headers: owner.headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json<{ secret: string }>().secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(endpoint.secret);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    const [before, after] = receiver.at('/rotate');
    const now = harness.clock.now();
    expect(verifyStandardWebhook(endpoint.secret, before!.headers, before!.body, now)).toBe(true);
    expect(verifyStandardWebhook(newSecret, after!.headers, after!.body, now)).toBe(true);
    expect(verifyStandardWebhook(endpoint.secret, after!.headers, after!.body, now)).toBe(false);
  });

  it('entitlements.updated and subscription.updated are sent when a member pays', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/account', ['entitlements.updated', 'subscription.updated']);
    await shop.subscribe(owner.userId, 'vip');
    await settle();
    const bodies = receiver.at('/account').map((request) => {
      expect(verifyStandardWebhook(endpoint.secret, request.headers, request.body, harness.clock.now())).toBe(true);
      return JSON.parse(request.body);
    });
    const entitlementEvents = bodies.filter((body) => body.type === 'entitlements.updated');
    expect(entitlementEvents.at(-1)).toMatchObject({
      data: { user_id: owner.userId, tier: 'vip', status: 'active' },
    });
    expect(entitlementEvents.at(-1).data.features).toContain('outbound_webhooks');
    const subscriptionEvents = bodies.filter((body) => body.type === 'subscription.updated');
    expect(subscriptionEvents.at(-1)).toMatchObject({
      data: { user_id: owner.userId, subscription: { plan_id: 'vip', status: 'active', cancel_at_period_end: false } },
    });
    // One event per entitlement version and per subscription write: ids never repeat.
    const ids = receiver.at('/account').map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a slow receiver does not hold up another endpoint, and a hung one times out as a failed attempt', async () => {
    const owner = await member();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.answer('/slow', { status: 200, until: hung });
    const slow = await register(owner, '/slow', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await harness.drain();
    await receiver.waitFor('/slow');
    // The slow receiver is now holding a request open; another endpoint's delivery starts anyway.
    const fast = await register(owner, '/fast', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await harness.drain();
    await receiver.waitFor('/fast');
    await harness.core.outboundWebhooks.idle();
    expect(receiver.log.indexOf('received /fast')).toBeGreaterThan(-1);
    expect(receiver.log.indexOf('received /fast')).toBeLessThan(receiver.log.indexOf('closed /slow'));
    expect((await deliveriesOf(fast.id))[0]).toMatchObject({ status: 'succeeded' });
    const slowDeliveries = await deliveriesOf(slow.id);
    expect(slowDeliveries).toHaveLength(2);
    for (const delivery of slowDeliveries)
      expect(delivery).toMatchObject({
        status: 'retrying',
        lastError: 'timed out after 3000 ms',
        lastStatusCode: null,
      });
    release();
    // Later tests' sweeps retry these; the receiver now answers them at once.
  });

  it('a delivery whose worker died mid-attempt is picked up again by the sweeper', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/orphan', ['signal.published']);
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    const [delivery] = await deliveriesOf(endpoint.id);
    // As if a worker claimed it, then crashed before recording anything.
    await harness.core.db
      .update(webhookDeliveries)
      .set({ status: 'delivering', lockedUntil: new Date(harness.clock.now().getTime() + minute) })
      .where(eq(webhookDeliveries.id, delivery!.id));
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/orphan')).toHaveLength(1);
    harness.clock.advance(2 * minute);
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/orphan')).toHaveLength(2);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it("a signal reaches an endpoint only after the member's tier delay", async () => {
    const plan = await harness.app.inject({
      method: 'POST',
      url: '/admin/plans',
      headers: adminHeaders,
      payload: {
        id: 'delayed_hooks',
        kind: 'tier',
        name: 'Delayed hooks',
        rank: 15,
        features: ['outbound_webhooks'],
        quotas: { signals_per_day: 100, signal_delay_seconds: 600 },
      },
    });
    expect(plan.statusCode, plan.body).toBeLessThan(300);
    const owner = await member('free');
    await harness.core.grants.grant(
      { userId: owner.userId, planId: 'delayed_hooks', days: 30, expiresAt: null, reason: 'webhook tests' },
      'test',
    );
    await settle();
    await signIn(owner);
    const endpoint = await register(owner, '/delayed', ['signal.published']);
    const published = signal();
    await harness.core.outboundWebhooks.publishSignal(published);
    await settle();
    expect(receiver.at('/delayed')).toHaveLength(0);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery!.nextAttemptAt!.getTime() - published.publishedAt.getTime()).toBe(600_000);
    harness.clock.advance(5 * minute);
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/delayed')).toHaveLength(0);
    harness.clock.advance(6 * minute);
    await harness.core.outboundWebhooks.sweep();
    await settle();
    expect(receiver.at('/delayed')).toHaveLength(1);
  });

  it('signals go only to members whose plan carries outbound webhooks', async () => {
    const owner = await member();
    const endpoint = await register(owner, '/lapsed', ['signal.published']);
    // The member's Pro ends: their endpoint stays, but paid signals stop.
    const [grant] = await harness.core.grants.list(owner.userId);
    await harness.core.grants.revoke(grant!.id, 'plan over', 'test');
    await settle();
    await harness.core.outboundWebhooks.publishSignal(signal());
    await settle();
    expect(receiver.at('/lapsed')).toHaveLength(0);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
  });
});
