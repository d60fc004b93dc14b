import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  buildAppWithProbes,
  createKeyThroughApi,
  createTwinApps,
  memberOn,
  probePath,
} from '../core/auth/testing/api-test-kit.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

let test: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  test = await createTestApp();
  app = await buildAppWithProbes(test.core);
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

const probe = (headers: Record<string, string>) => app.inject({ method: 'GET', url: probePath, headers });

/**
 * One request at t0, the rest of the limit one second later: the (N+1)th is refused until
 * t0 + 60 s exactly, when the first leaves the window, and then only one more passes.
 */
async function expectExactWindow(headers: Record<string, string>, limit: number) {
  const started = test.clock.now().getTime();
  const first = await probe(headers);
  expect(first.statusCode, first.body).toBe(200);
  expect(first.headers['x-ratelimit-limit']).toBe(String(limit));
  expect(first.headers['x-ratelimit-remaining']).toBe(String(limit - 1));
  expect(first.headers['x-ratelimit-reset']).toBe(String(Math.ceil((started + 60_000) / 1000)));
  test.clock.advance(1000);
  for (let count = 2; count <= limit; count += 1) {
    const response = await probe(headers);
    if (response.statusCode !== 200) expect.fail(`request ${count} of ${limit} answered ${response.statusCode}`);
  }
  const over = await probe(headers);
  expect(over.statusCode).toBe(429);
  expect(over.json().error.code).toBe('rate_limited');
  expect(over.headers['retry-after']).toBe('59');
  expect(over.headers['x-ratelimit-remaining']).toBe('0');
  test.clock.set(new Date(started + 59_999));
  expect((await probe(headers)).statusCode).toBe(429);
  test.clock.set(new Date(started + 60_000));
  expect((await probe(headers)).statusCode).toBe(200);
  expect((await probe(headers)).statusCode).toBe(429);
}

describe('per-tier API rate limits', () => {
  it('Free: the 10th request in a minute passes, the 11th is 429 until the oldest leaves the window', async () => {
    const member = await memberOn(test.core, null);
    await expectExactWindow(member.session, 10);
  });

  it('Pro: exactly 300 requests a minute per API key', async () => {
    const member = await memberOn(test.core, 'pro');
    const { key } = await createKeyThroughApi(app, member.session);
    await expectExactWindow(bearer(key), 300);
  });

  it('VIP: exactly 2000 requests a minute per API key', async () => {
    const member = await memberOn(test.core, 'vip');
    const { key } = await createKeyThroughApi(app, member.session);
    await expectExactWindow(bearer(key), 2000);
  });

  it('the extra API quota add-on raises the limit: Pro with 2 units allows 300 + 2 × 500 a minute', async () => {
    const member = await memberOn(test.core, null);
    const checkout = await test.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout-session',
      headers: adminHeaders,
      payload: { user_id: member.userId, plan_id: 'pro', addons: [{ plan_id: 'addon_api_quota', quantity: 2 }] },
    });
    expect(checkout.statusCode, checkout.body).toBe(200);
    const paid = await test.app.inject({ method: 'POST', url: `${new URL(checkout.json().url).pathname}/pay` });
    expect(paid.statusCode, paid.body).toBe(200);
    await test.drain();
    const renewed = await test.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: member.tokens.refresh_token },
    });
    const { key } = await createKeyThroughApi(app, bearer(renewed.json().access_token));
    const response = await probe(bearer(key));
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-ratelimit-limit']).toBe('1300');
  });

  it('each API key has its own window, and the admin key is never limited', async () => {
    const member = await memberOn(test.core, null);
    for (let count = 0; count < 10; count += 1) await probe(member.session);
    expect((await probe(member.session)).statusCode).toBe(429);
    const other = await memberOn(test.core, null);
    expect((await probe(other.session)).statusCode).toBe(200);
    for (let count = 0; count < 50; count += 1) {
      const response = await probe(adminHeaders);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('rate-limited requests are counted in /metrics', async () => {
    const metrics = await test.app.inject({ method: 'GET', url: '/metrics', headers: adminHeaders });
    expect(metrics.body).toMatch(/api_rate_limited_total\{kind="access_token",tier="free"\} [1-9]/);
    expect(metrics.body).toMatch(/api_rate_limited_total\{kind="api_key",tier="vip"\} [1-9]/);
  });
});

describe('rate limits across API processes', () => {
  it.skipIf(!process.env.TEST_REDIS_URL)(
    'two app instances sharing Redis share one window: 10 Free requests split across both, the 11th refused by either (needs TEST_REDIS_URL: without Redis each process counts alone)',
    async () => {
      const twins = await createTwinApps();
      try {
        const member = await memberOn(twins.cores[0], null);
        for (let count = 1; count <= 10; count += 1) {
          const instance = count % 2 === 0 ? twins.apps[0] : twins.apps[1];
          const response = await instance.inject({ method: 'GET', url: probePath, headers: member.session });
          expect(response.statusCode).toBe(200);
        }
        for (const instance of twins.apps)
          expect((await instance.inject({ method: 'GET', url: probePath, headers: member.session })).statusCode).toBe(
            429,
          );
      } finally {
        await twins.close();
      }
    },
  );
});
