import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

/**
 * PostgreSQL text cannot hold NUL, and jsonb refuses a lone surrogate: either, sent where the
 * request reaches a text column or the audit log, must be refused at the edge as the caller's
 * mistake (400 invalid_request), never reach the database as a 500.
 */
describe('text no column can store', () => {
  let harness: TestApp;
  let userId: string;

  beforeAll(async () => {
    harness = await createTestApp();
    userId = (await harness.createUser({ email: 'hostile-text@example.com' })).id;
  });
  afterAll(async () => harness?.close());

  const cases: Array<{
    name: string;
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: () => string;
    payload?: () => string;
  }> = [
    {
      name: 'a NUL in a signal channel id',
      method: 'PUT',
      url: () => '/admin/signal-channels/pro/telegram',
      payload: () => '{"channel_id":"\\u0000"}',
    },
    {
      name: 'a NUL in a signal channel plan path',
      method: 'PUT',
      url: () => '/admin/signal-channels/%00/telegram',
      payload: () => '{"channel_id":"-1001"}',
    },
    { name: 'a NUL in a promo code path', method: 'DELETE', url: () => '/admin/promotions/%00' },
    { name: 'a NUL in a plan id path (access)', method: 'GET', url: () => '/admin/plans/%00/access' },
    {
      name: 'a NUL in a plan id path (edit)',
      method: 'PATCH',
      url: () => '/admin/plans/%00',
      payload: () => '{"name":"x"}',
    },
    {
      name: 'a NUL in an external id',
      method: 'POST',
      url: () => '/v1/users',
      payload: () => '{"platform":"telegram","external_id":"\\u0000"}',
    },
    {
      name: 'a lone surrogate in a display name',
      method: 'POST',
      url: () => '/v1/users',
      payload: () => '{"email":"surrogate@example.com","display_name":"\\ud800"}',
    },
    {
      name: 'a NUL in a freeze reason',
      method: 'POST',
      url: () => `/admin/users/${userId}/freezes`,
      payload: () => '{"reason":"\\u0000"}',
    },
    {
      name: 'a lone surrogate in a freeze reason (audit jsonb)',
      method: 'POST',
      url: () => `/admin/users/${userId}/freezes`,
      payload: () => '{"reason":"spam \\udc00"}',
    },
    {
      name: 'a lone surrogate in a grant reason',
      method: 'POST',
      url: () => '/admin/grants',
      payload: () => JSON.stringify({ user_id: userId, plan_id: 'pro', days: 3 }).replace('}', ',"reason":"\\ud800"}'),
    },
    {
      name: 'a NUL in a grant plan id',
      method: 'POST',
      url: () => '/admin/grants',
      payload: () => `{"user_id":"${userId}","plan_id":"pro\\u0000","days":3,"reason":"x"}`,
    },
    {
      name: 'a NUL in a plan name',
      method: 'POST',
      url: () => '/admin/plans',
      payload: () => '{"id":"hostile","kind":"tier","name":"\\u0000"}',
    },
    {
      name: 'a NUL in an API key name',
      method: 'POST',
      url: () => '/v1/api-keys',
      payload: () => `{"user_id":"${userId}","name":"key\\u0000"}`,
    },
    {
      name: 'a NUL in an access resource label',
      method: 'POST',
      url: () => '/admin/plans/pro/access',
      payload: () => '{"kind":"telegram_chat","resource_id":"-1001234567890","label":"\\u0000"}',
    },
    {
      name: 'a NUL in a checkout promo code',
      method: 'POST',
      url: () => '/v1/billing/checkout-session',
      payload: () => `{"user_id":"${userId}","plan_id":"pro","promo_code":"\\u0000"}`,
    },
    {
      name: 'a NUL in a checkout plan id',
      method: 'POST',
      url: () => '/v1/billing/checkout-session',
      payload: () => `{"user_id":"${userId}","plan_id":"\\u0000"}`,
    },
    {
      name: 'a NUL in a link code',
      method: 'POST',
      url: () => '/v1/identity/link',
      payload: () => '{"code":"\\u0000","platform":"web","external_id":"w1"}',
    },
    {
      name: 'a NUL in a signal note',
      method: 'POST',
      url: () => '/v1/signals',
      payload: () =>
        '{"instrument":"BTCUSDT","side":"long","entry":"10","stop":"9","targets":["11"],"note":"\\u0000","idempotency_key":"hostile-note-1"}',
    },
    {
      name: 'a NUL in a signal idempotency key',
      method: 'POST',
      url: () => '/v1/signals',
      payload: () =>
        '{"instrument":"BTCUSDT","side":"long","entry":"10","stop":"9","targets":["11"],"idempotency_key":"hostile\\u0000key"}',
    },
    {
      name: 'a NUL in a sign-in external id',
      method: 'POST',
      url: () => '/v1/auth/login',
      payload: () => '{"platform":"telegram","external_id":"\\u0000"}',
    },
  ];

  for (const testCase of cases) {
    it(`refuses ${testCase.name} with 400 invalid_request`, async () => {
      const response = await harness.app.inject({
        method: testCase.method,
        url: testCase.url(),
        headers: { ...adminHeaders, ...(testCase.payload ? { 'content-type': 'application/json' } : {}) },
        ...(testCase.payload ? { payload: testCase.payload() } : {}),
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    });
  }

  it('still accepts ordinary unicode, emoji and paired surrogates', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: `/admin/users/${userId}/freezes`,
      headers: adminHeaders,
      payload: { reason: 'Ünïcödé 🚀 中文 — fine' },
    });
    expect(response.statusCode, response.body).toBe(201);
  });
});
