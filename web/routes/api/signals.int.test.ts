import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../../../core/testing/test-core.js';

const minute = 60_000;
let test: TestApp;
let keyCount = 0;

const body = (overrides: Record<string, unknown> = {}) => {
  keyCount += 1;
  return {
    instrument: 'BTCUSDT',
    side: 'long',
    entry: '64250.5',
    stop: '63000',
    targets: ['66000'],
    idempotency_key: `route-test-${keyCount}`,
    ...overrides,
  };
};

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function memberKey(planId: string, scopes: string[] = []) {
  const { id } = await test.createUser({ email: `signals-${planId}-${keyCount++}@example.com` });
  await test.core.grants.grant({ userId: id, planId, days: 30, expiresAt: null, reason: 'test' }, 'test');
  const issued = await test.core.apiKeys.create({ kind: 'admin', tag: 'test' }, { userId: id, scopes });
  return issued.key;
}

beforeAll(async () => {
  test = await createTestApp();
});
afterAll(async () => test?.close());

describe('POST /v1/signals', () => {
  it('is refused with 403 forbidden for a member key without the publish scope', async () => {
    const key = await memberKey('pro');
    const response = await test.app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: bearer(key),
      payload: body(),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden');
    expect(await test.core.signals.verifyChain()).toMatchObject({ count: 0 });
  });

  it('publishes once per idempotency key for a publisher key, and names bad levels with their own code', async () => {
    const key = await memberKey('pro', ['signals:publish']);
    const payload = body();
    const first = await test.app.inject({ method: 'POST', url: '/v1/signals', headers: bearer(key), payload });
    expect(first.statusCode).toBe(201);
    const retried = await test.app.inject({ method: 'POST', url: '/v1/signals', headers: bearer(key), payload });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().id).toBe(first.json().id);

    const wrongStop = await test.app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: adminHeaders,
      payload: body({ side: 'short', stop: '60000' }),
    });
    expect(wrongStop.statusCode).toBe(400);
    expect(wrongStop.json().error.code).toBe('signal_stop_wrong_side');
    const badPrice = await test.app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: adminHeaders,
      payload: body({ entry: '-5' }),
    });
    expect(badPrice.json().error.code).toBe('invalid_signal');
    const { idempotency_key: _key, ...withoutKey } = body();
    const keyless = await test.app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: adminHeaders,
      payload: withoutKey,
    });
    expect(keyless.statusCode).toBe(400);
    expect(keyless.json().error.code).toBe('idempotency_key_required');
    const verified = await test.app.inject({ method: 'GET', url: '/v1/signals/verify', headers: adminHeaders });
    expect(verified.json()).toMatchObject({ ok: true, count: 1 });
  });
});

describe('GET /v1/signals', () => {
  it('applies the tier’s delay and pages with the since cursor', async () => {
    // Delays are plan data: give Core a 15-minute delay for this test's member.
    const patched = await test.app.inject({
      method: 'PATCH',
      url: '/admin/plans/core',
      headers: adminHeaders,
      payload: { quotas: { signals_per_day: 100, signal_delay_seconds: 900, api_rpm: 600, seats: 1 } },
    });
    expect(patched.statusCode).toBe(200);
    const delayed = await memberKey('core');
    const realtime = await memberKey('pro');
    const start = (await test.app.inject({ method: 'GET', url: '/v1/signals', headers: adminHeaders })).json().signals
      .length;
    for (let index = 0; index < 3; index += 1)
      expect(
        (await test.app.inject({ method: 'POST', url: '/v1/signals', headers: adminHeaders, payload: body() }))
          .statusCode,
      ).toBe(201);

    const pro = await test.app.inject({
      method: 'GET',
      url: `/v1/signals?since=${start}&limit=2`,
      headers: bearer(realtime),
    });
    expect(pro.statusCode).toBe(200);
    expect(pro.json().signals.map((signal: { sequence: number }) => signal.sequence)).toEqual([start + 1, start + 2]);
    const rest = await test.app.inject({
      method: 'GET',
      url: `/v1/signals?since=${pro.json().next_since}`,
      headers: bearer(realtime),
    });
    expect(rest.json().signals.map((signal: { sequence: number }) => signal.sequence)).toEqual([start + 3]);

    const early = await test.app.inject({ method: 'GET', url: `/v1/signals?since=${start}`, headers: bearer(delayed) });
    expect(early.json().signals).toEqual([]);
    test.clock.advance(15 * minute);
    const later = await test.app.inject({ method: 'GET', url: `/v1/signals?since=${start}`, headers: bearer(delayed) });
    expect(later.json().signals).toHaveLength(3);
  });

  it('clamps history older than 7 days without the backfill add-on, and says so', async () => {
    const key = await memberKey('pro');
    test.clock.advance(8 * 24 * 60 * minute);
    await test.app.inject({ method: 'POST', url: '/v1/signals', headers: adminHeaders, payload: body() });
    const page = await test.app.inject({ method: 'GET', url: '/v1/signals?since=0', headers: bearer(key) });
    expect(page.json().history_clamped).toBe(true);
    expect(page.json().signals).toHaveLength(1);
  });
});

describe('GET /v1/signals page bytes', () => {
  it('two communities in one process never see each other’s signals, though both start at sequence 1', async () => {
    const other = await createTestApp();
    try {
      const publish = (app: TestApp, instrument: string) =>
        app.app.inject({ method: 'POST', url: '/v1/signals', headers: adminHeaders, payload: body({ instrument }) });
      const fresh = await createTestApp();
      try {
        expect((await publish(fresh, 'ETHUSDT')).statusCode).toBe(201);
        expect((await publish(other, 'SOLUSDT')).statusCode).toBe(201);
        const read = async (app: TestApp) =>
          (await app.app.inject({ method: 'GET', url: '/v1/signals', headers: adminHeaders }))
            .json<{ signals: Array<{ sequence: number; instrument: string }> }>()
            .signals.map((signal) => `${signal.sequence}:${signal.instrument}`);
        expect(await read(fresh)).toEqual(['1:ETHUSDT']);
        expect(await read(other)).toEqual(['1:SOLUSDT']);
        expect(await read(fresh)).toEqual(['1:ETHUSDT']);
      } finally {
        await fresh.close();
      }
    } finally {
      await other.close();
    }
  });
});
