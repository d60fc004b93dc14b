import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../../../core/testing/test-core.js';

/** A public address written as a literal, so creating an endpoint needs no DNS in tests. */
const publicUrl = 'https://93.184.215.14/hooks';

describe('webhook endpoint routes', () => {
  let harness: TestApp;
  let nextId = 0;

  beforeAll(async () => {
    // The production policy: no loopback exception.
    harness = await createTestApp({ OUTBOUND_WEBHOOK_MAX_ENDPOINTS: '3' });
  });
  afterAll(async () => harness?.close());

  async function member(plan: 'pro' | 'free' = 'pro') {
    nextId += 1;
    const { id: userId } = await harness.createUser({ email: `routes${nextId}@example.com` });
    if (plan === 'pro')
      await harness.core.grants.grant({ userId, planId: 'pro', days: 30, expiresAt: null, reason: 'tests' }, 'test');
    await harness.drain();
    const token = (await harness.core.auth.issueTokens(userId)).access_token;
    return { userId, headers: { authorization: `Bearer ${token}` } };
  }

  const create = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    harness.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers, payload });

  it('a member without outbound webhooks in their plan is refused with outbound_webhooks_required', async () => {
    const free = await member('free');
    const response = await create(free.headers, { url: publicUrl, events: ['signal.published'] });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('outbound_webhooks_required');
    const forThem = await create(adminHeaders, { url: publicUrl, events: ['signal.published'], user_id: free.userId });
    expect(forThem.statusCode).toBe(403);
    expect(forThem.json().error.code).toBe('outbound_webhooks_required');
  });

  it.each([
    ['http://93.184.215.14/hooks', 'webhook_url_not_https'],
    ['http://127.0.0.1:8080/hooks', 'webhook_url_not_https'],
    ['https://127.0.0.1/hooks', 'webhook_url_private'],
    ['https://[::1]/hooks', 'webhook_url_private'],
    ['https://10.0.0.7/hooks', 'webhook_url_private'],
    ['https://192.168.1.20/hooks', 'webhook_url_private'],
    ['https://169.254.169.254/latest/meta-data', 'webhook_url_private'],
    ['https://[::ffff:10.0.0.1]/hooks', 'webhook_url_private'],
    ['https://localhost/hooks', 'webhook_url_private'],
    ['not a url', 'webhook_url_invalid'],
  ])('%s is refused with %s', async (url, code) => {
    const owner = await member();
    const response = await create(owner.headers, { url, events: ['signal.published'] });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error.code).toBe(code);
  });

  it('the secret is shown once, at creation, and never listed', async () => {
    const owner = await member();
    const created = await create(owner.headers, {
      url: publicUrl,
      events: ['signal.published', 'entitlements.updated'],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const endpoint = created.json();
    expect(endpoint).toMatchObject({ user_id: owner.userId, url: publicUrl, status: 'active' });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const one = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints/${endpoint.id}`,
      headers: owner.headers,
    });
    const listed = await harness.app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers: owner.headers });
    expect(one.json()).not.toHaveProperty('secret');
    expect(listed.json().endpoints).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    expect(listed.body).not.toContain(endpoint.secret);
  });

  it("another member's endpoint is 404 on every route, and their list shows only their own", async () => {
    const owner = await member();
    const stranger = await member();
    const { id } = (await create(owner.headers, { url: publicUrl, events: ['signal.published'] })).json();
    const attempts = [
      { method: 'GET' as const, url: `/v1/webhook-endpoints/${id}` },
      { method: 'PATCH' as const, url: `/v1/webhook-endpoints/${id}`, payload: { enabled: false } },
      { method: 'DELETE' as const, url: `/v1/webhook-endpoints/${id}` },
      { method: 'POST' as const, url: `/v1/webhook-endpoints/${id}/rotate-secret` },
      { method: 'GET' as const, url: `/v1/webhook-endpoints/${id}/deliveries` },
    ];
    for (const attempt of attempts) {
      const response = await harness.app.inject({ ...attempt, headers: stranger.headers });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
      expect(response.json().error.code).toBe('webhook_endpoint_not_found');
    }
    const theirs = await harness.app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers: stranger.headers });
    expect(theirs.json().endpoints).toEqual([]);
    const peek = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints?user_id=${owner.userId}`,
      headers: stranger.headers,
    });
    expect(peek.statusCode).toBe(404);
    // Still there and unchanged for its owner.
    const mine = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints/${id}`,
      headers: owner.headers,
    });
    expect(mine.json()).toMatchObject({ id, status: 'active' });
  });

  it('the per-member endpoint limit holds under concurrent creations', async () => {
    const owner = await member();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        create(owner.headers, { url: `${publicUrl}/${index}`, events: ['signal.published'] }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409]);
    expect(responses.find((response) => response.statusCode === 409)!.json().error.code).toBe('webhook_endpoint_limit');
    const listed = await harness.app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers: owner.headers });
    expect(listed.json().endpoints).toHaveLength(3);
  });

  it('an endpoint can be turned off and on, changed and removed by its owner', async () => {
    const owner = await member();
    const { id } = (await create(owner.headers, { url: publicUrl, events: ['signal.published'] })).json();
    const patch = (payload: Record<string, unknown>) =>
      harness.app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${id}`, headers: owner.headers, payload });
    expect((await patch({ enabled: false })).json()).toMatchObject({ status: 'disabled', disabled_reason: 'member' });
    expect((await patch({ enabled: true })).json()).toMatchObject({ status: 'active', disabled_reason: null });
    expect((await patch({ events: ['entitlements.updated'] })).json()).toMatchObject({
      events: ['entitlements.updated'],
    });
    const privateTarget = await patch({ url: 'https://10.1.1.1/x' });
    expect(privateTarget.statusCode).toBe(422);
    expect(privateTarget.json().error.code).toBe('webhook_url_private');
    const unknownEvent = await patch({ events: ['payment.stolen'] });
    expect(unknownEvent.statusCode).toBe(400);
    expect(unknownEvent.json().error.code).toBe('invalid_request');
    const removed = await harness.app.inject({
      method: 'DELETE',
      url: `/v1/webhook-endpoints/${id}`,
      headers: owner.headers,
    });
    expect(removed.statusCode).toBe(204);
    const gone = await harness.app.inject({
      method: 'GET',
      url: `/v1/webhook-endpoints/${id}`,
      headers: owner.headers,
    });
    expect(gone.statusCode).toBe(404);
  });

  it('the admin key acts for a named member, and must name one', async () => {
    const owner = await member();
    const forOwner = await create(adminHeaders, {
      url: publicUrl,
      events: ['signal.published'],
      user_id: owner.userId,
    });
    expect(forOwner.statusCode, forOwner.body).toBe(201);
    expect(forOwner.json().user_id).toBe(owner.userId);
    const unnamed = await create(adminHeaders, { url: publicUrl, events: ['signal.published'] });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.code).toBe('user_id_required');
  });

  it('a redelivery of a delivery that does not exist is 404', async () => {
    const owner = await member();
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/webhook-deliveries/00000000-0000-4000-8000-000000000000/redeliver',
      headers: owner.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('webhook_delivery_not_found');
  });
});
