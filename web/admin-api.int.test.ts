import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { auditLog, checkoutSessions } from '../db/schema/index.js';

const dayMs = 86_400_000;

interface PlanView {
  id: string;
  kind: string;
  name: string;
  rank: number;
  contact_sales: boolean;
  active: boolean;
  features: string[];
  quotas: Record<string, number>;
  prices: Array<{
    id: string;
    interval: string;
    amount_minor: number;
    currency: string;
    version: number;
    active: boolean;
  }>;
}

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Helpers that talk to one test app the way a client would. */
function client(harness: () => TestApp) {
  const inject = (...args: Parameters<TestApp['app']['inject']>) => harness().app.inject(...args);
  return {
    createUser: (payload: Record<string, string>) => harness().createUser(payload),
    checkout: (payload: Record<string, unknown>) =>
      harness().app.inject({
        method: 'POST',
        url: '/v1/billing/checkout-session',
        headers: adminHeaders,
        payload,
      }),
    /** Opens a checkout and pays it on the sandbox's hosted page, as a member would. */
    async subscribe(userId: string, planId: string) {
      const checkout = await this.checkout({ user_id: userId, plan_id: planId });
      expect(checkout.statusCode).toBe(200);
      const path = new URL(checkout.json<{ url: string }>().url).pathname;
      const paid = await harness().app.inject({ method: 'POST', url: `${path}/pay` });
      expect(paid.statusCode).toBe(200);
      await harness().drain();
      return checkout.json<{ session_id: string }>();
    },
    async entitlements(userId: string) {
      const response = await harness().app.inject({
        method: 'GET',
        url: `/v1/entitlements/${userId}`,
        headers: adminHeaders,
      });
      expect(response.statusCode).toBe(200);
      return response.json<{ tier: string; status: string; expires_at: string | null; features: string[] }>();
    },
    inject,
  };
}

const expectError = (response: { statusCode: number; json: <T>() => T }, status: number, code: string) => {
  expect(response.statusCode).toBe(status);
  const body = response.json<ErrorBody>();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
};

describe('admin API', () => {
  let harness: TestApp;
  const api = client(() => harness);
  beforeAll(async () => {
    harness = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => harness?.close());

  describe('authentication', () => {
    it('admin routes refuse a request without the bearer key: 401 with the JSON error envelope', async () => {
      for (const request of [
        { method: 'GET' as const, url: '/admin/plans' },
        { method: 'GET' as const, url: '/admin/webhooks' },
        { method: 'GET' as const, url: '/admin/revenue' },
        { method: 'POST' as const, url: '/v1/users', payload: { email: 'nobody@example.com' } },
        { method: 'GET' as const, url: `/v1/entitlements/${randomUUID()}` },
      ]) {
        const response = await harness.app.inject(request);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(Object.keys(expectError(response, 401, 'unauthorized').error).sort()).toEqual(['code', 'message']);
      }
      const basic = await harness.app.inject({
        method: 'GET',
        url: '/admin/plans',
        headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      });
      expectError(basic, 401, 'unauthorized');
    });

    it('a wrong bearer key is refused with 403 and nothing is created', async () => {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/admin/plans',
        headers: { authorization: 'Bearer adm_wrong_key_0123456789abcdefghij' },
        payload: { id: 'sneaky', kind: 'tier', name: 'Sneaky' },
      });
      expectError(response, 403, 'forbidden');
      const plans = await harness.app.inject({ method: 'GET', url: '/admin/plans', headers: adminHeaders });
      expect(plans.json<{ plans: PlanView[] }>().plans.map((plan) => plan.id)).not.toContain('sneaky');
    });
  });

  describe('catalog', () => {
    it('GET /v1/plans lists the seeded tiers with monthly prices and annual at ten months, and the add-ons', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/v1/plans' });
      expect(response.statusCode).toBe(200);
      const plans = response.json<{ plans: PlanView[] }>().plans;
      const byId = new Map(plans.map((plan) => [plan.id, plan]));
      const priceOf = (id: string, interval: string) =>
        byId.get(id)?.prices.find((price) => price.interval === interval)?.amount_minor;
      expect(
        plans
          .filter((plan) => plan.kind === 'tier')
          .map((plan) => plan.id)
          .sort(),
      ).toEqual(['core', 'enterprise', 'free', 'pro', 'vip']);
      expect(byId.get('free')!.prices).toEqual([]);
      for (const [id, monthly] of [
        ['core', 900],
        ['pro', 4900],
        ['vip', 19_900],
      ] as const) {
        expect(priceOf(id, 'month')).toBe(monthly);
        expect(priceOf(id, 'year')).toBe(monthly * 10);
        expect(byId.get(id)!.prices.every((price) => price.currency === 'usd' && price.active)).toBe(true);
      }
      expect(byId.get('enterprise')).toMatchObject({ contact_sales: true, prices: [] });
      expect(
        plans
          .filter((plan) => plan.kind === 'addon')
          .map((plan) => plan.id)
          .sort(),
      ).toEqual(['addon_api_quota', 'addon_backfill', 'addon_mirrorvault', 'addon_seat']);
      expect(byId.get('addon_api_quota')).toMatchObject({ quotas: { api_rpm: 500 } });
    });

    it('POST /admin/plans creates a plan, a duplicate id is 409 plan_exists, and an invalid body is 400', async () => {
      const body = {
        id: 'lifetime',
        kind: 'tier',
        name: 'Lifetime',
        rank: 25,
        features: ['community_basic', 'private_channels'],
        quotas: { signals_per_day: 500 },
        prices: [{ interval: 'one_time', amount_minor: 29_900 }],
      };
      const created = await harness.app.inject({
        method: 'POST',
        url: '/admin/plans',
        headers: adminHeaders,
        payload: body,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json<PlanView>()).toMatchObject({
        id: 'lifetime',
        kind: 'tier',
        active: true,
        prices: [
          { id: 'lifetime_one_time_usd_v1', interval: 'one_time', amount_minor: 29_900, currency: 'usd', version: 1 },
        ],
      });
      const listed = await harness.app.inject({ method: 'GET', url: '/v1/plans' });
      expect(listed.json<{ plans: PlanView[] }>().plans.map((plan) => plan.id)).toContain('lifetime');

      const duplicate = await harness.app.inject({
        method: 'POST',
        url: '/admin/plans',
        headers: adminHeaders,
        payload: { ...body, name: 'Lifetime again' },
      });
      expectError(duplicate, 409, 'plan_exists');

      for (const invalid of [
        { ...body, id: 'Not A Valid Id!' },
        { ...body, id: 'no_name', name: undefined },
        { ...body, id: 'bad_price', prices: [{ interval: 'month', amount_minor: 9.99 }] },
        { ...body, id: 'bad_kind', kind: 'bundle' },
      ]) {
        const response = await harness.app.inject({
          method: 'POST',
          url: '/admin/plans',
          headers: adminHeaders,
          payload: invalid,
        });
        expectError(response, 400, 'invalid_request');
      }
      const audited = await harness.core.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'plan.created'), eq(auditLog.subjectId, 'lifetime')));
      expect(audited).toHaveLength(1);
    });

    it('PATCH /admin/plans/:id of an unknown plan is 404 and an empty patch is 400', async () => {
      const missing = await harness.app.inject({
        method: 'PATCH',
        url: '/admin/plans/does_not_exist',
        headers: adminHeaders,
        payload: { name: 'Ghost' },
      });
      expectError(missing, 404, 'plan_not_found');
      const empty = await harness.app.inject({
        method: 'PATCH',
        url: '/admin/plans/pro',
        headers: adminHeaders,
        payload: {},
      });
      expectError(empty, 400, 'invalid_request');
    });
  });

  describe('users and checkout', () => {
    it('POST /v1/users finds the same user by email (any case) and by a linked platform identity', async () => {
      const first = await api.createUser({ email: 'Member.One@Example.com' });
      expect(first.created).toBe(true);
      const again = await api.createUser({
        email: 'member.one@example.com',
        platform: 'discord',
        external_id: '81234567890',
      });
      expect(again).toEqual({ id: first.id, created: false });
      expect(await api.createUser({ platform: 'discord', external_id: '81234567890' })).toEqual({
        id: first.id,
        created: false,
      });
      const other = await api.createUser({ platform: 'telegram', external_id: '81234567890' });
      expect(other.created).toBe(true);
      expect(other.id).not.toBe(first.id);
      const incomplete = await harness.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: adminHeaders,
        payload: { platform: 'discord' },
      });
      expectError(incomplete, 400, 'invalid_request');
    });

    it('a contact-sales plan cannot be checked out: 400 plan_contact_sales', async () => {
      const { id } = await api.createUser({ email: 'enterprise-buyer@example.com' });
      expectError(await api.checkout({ user_id: id, plan_id: 'enterprise' }), 400, 'plan_contact_sales');
    });

    it('checkout for an unknown user is 404 user_not_found and for an unknown plan 404 plan_not_found', async () => {
      expectError(await api.checkout({ user_id: randomUUID(), plan_id: 'pro' }), 404, 'user_not_found');
      const { id } = await api.createUser({ email: 'plan-typo@example.com' });
      expectError(await api.checkout({ user_id: id, plan_id: 'platinum' }), 404, 'plan_not_found');
    });

    it('the same checkout request twice returns the same open session (reused: true)', async () => {
      const { id } = await api.createUser({ email: 'double-click@example.com' });
      const first = await api.checkout({ user_id: id, plan_id: 'core' });
      const second = await api.checkout({ user_id: id, plan_id: 'core' });
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ reused: false, provider: 'sandbox' });
      expect(second.json()).toEqual({ ...first.json<object>(), reused: true });
      const sessions = await harness.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, id));
      expect(sessions).toHaveLength(1);
      // A different request (another plan) is a different checkout.
      const other = await api.checkout({ user_id: id, plan_id: 'pro' });
      expect(other.json<{ session_id: string }>().session_id).not.toBe(first.json<{ session_id: string }>().session_id);
    });

    it('a second subscription checkout while subscribed is 409 already_subscribed', async () => {
      const { id } = await api.createUser({ email: 'already-pro@example.com' });
      await api.subscribe(id, 'pro');
      expect(await api.entitlements(id)).toMatchObject({ tier: 'pro', status: 'active' });
      const again = expectError(await api.checkout({ user_id: id, plan_id: 'vip' }), 409, 'already_subscribed');
      expect(again.error.details).toMatchObject({ subscription_plan_id: 'pro' });
    });
  });

  describe('manual grants', () => {
    it('a grant with days gives the tier at once, is audited, and ends when the clock passes its expiry', async () => {
      const { id } = await api.createUser({ email: 'granted@example.com' });
      const response = await harness.app.inject({
        method: 'POST',
        url: '/admin/grants',
        headers: adminHeaders,
        payload: { user_id: id, plan_id: 'vip', days: 7, reason: 'contest winner' },
      });
      expect(response.statusCode).toBe(201);
      const { grant } = response.json<{ grant: { id: string; expires_at: string } }>();
      const expiresAt = new Date(harness.clock.now().getTime() + 7 * dayMs).toISOString();
      expect(grant.expires_at).toBe(expiresAt);
      expect(await api.entitlements(id)).toMatchObject({ tier: 'vip', status: 'active', expires_at: expiresAt });

      const audit = await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, id));
      expect(audit.filter((row) => row.action === 'grant.created')).toEqual([
        expect.objectContaining({
          actor: 'admin:api-key',
          subjectType: 'user',
          details: expect.objectContaining({ grant_id: grant.id, plan_id: 'vip', reason: 'contest winner' }),
        }),
      ]);

      harness.clock.advance(7 * dayMs - 1000);
      expect(await api.entitlements(id)).toMatchObject({ tier: 'vip' });
      harness.clock.advance(1000);
      expect(await api.entitlements(id)).toMatchObject({ tier: 'free', status: 'free' });
    });

    it('revoking a grant takes the access away at once, is audited, and cannot be done twice', async () => {
      const { id } = await api.createUser({ email: 'revoked@example.com' });
      const response = await harness.app.inject({
        method: 'POST',
        url: '/admin/grants',
        headers: adminHeaders,
        payload: { user_id: id, plan_id: 'pro', permanent: true, reason: 'beta tester' },
      });
      expect(response.statusCode).toBe(201);
      const grantId = response.json<{ grant: { id: string } }>().grant.id;
      expect(await api.entitlements(id)).toMatchObject({ tier: 'pro', expires_at: null });

      const revoke = () =>
        harness.app.inject({
          method: 'POST',
          url: `/admin/grants/${grantId}/revoke`,
          headers: adminHeaders,
          payload: { reason: 'beta over' },
        });
      const revoked = await revoke();
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json<{ grant: { revoked_at: string | null } }>().grant.revoked_at).not.toBeNull();
      expect(await api.entitlements(id)).toMatchObject({ tier: 'free' });
      expectError(await revoke(), 409, 'grant_already_revoked');
      const actions = (await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, id))).map(
        (row) => row.action,
      );
      expect(actions.filter((action) => action.startsWith('grant.')).sort()).toEqual([
        'grant.created',
        'grant.revoked',
      ]);
    });

    it("a moderator's freeze takes paid access away at once, lifting it gives it back, both audited", async () => {
      const { id } = await api.createUser({ email: 'frozen@example.com' });
      const granted = await harness.app.inject({
        method: 'POST',
        url: '/admin/grants',
        headers: adminHeaders,
        payload: { user_id: id, plan_id: 'vip', days: 30, reason: 'partner' },
      });
      expect(granted.statusCode).toBe(201);
      expect(await api.entitlements(id)).toMatchObject({ tier: 'vip', status: 'active' });

      const frozen = await harness.app.inject({
        method: 'POST',
        url: `/admin/users/${id}/freezes`,
        headers: adminHeaders,
        payload: { reason: 'chargeback fraud suspected' },
      });
      expect(frozen.statusCode).toBe(201);
      const freezeId = frozen.json<{ freeze: { id: string } }>().freeze.id;
      expect(await api.entitlements(id)).toMatchObject({ tier: 'free', status: 'frozen' });

      const lift = () =>
        harness.app.inject({
          method: 'POST',
          url: `/admin/freezes/${freezeId}/lift`,
          headers: adminHeaders,
          payload: { reason: 'cleared' },
        });
      expect((await lift()).statusCode).toBe(200);
      expect(await api.entitlements(id)).toMatchObject({ tier: 'vip', status: 'active' });
      expectError(await lift(), 409, 'freeze_already_lifted');
      expectError(
        await harness.app.inject({
          method: 'POST',
          url: `/admin/users/${randomUUID()}/freezes`,
          headers: adminHeaders,
          payload: { reason: 'x' },
        }),
        404,
        'user_not_found',
      );
      const actions = (await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, id))).map(
        (row) => row.action,
      );
      expect(actions.filter((action) => action.startsWith('access.')).sort()).toEqual([
        'access.frozen',
        'access.unfrozen',
      ]);
    });

    it('a grant needs exactly one of days, expires_at or permanent, and a known user', async () => {
      const { id } = await api.createUser({ email: 'grant-validation@example.com' });
      const post = (payload: Record<string, unknown>) =>
        harness.app.inject({ method: 'POST', url: '/admin/grants', headers: adminHeaders, payload });
      expectError(await post({ user_id: id, plan_id: 'pro', reason: 'x' }), 400, 'invalid_request');
      expectError(
        await post({ user_id: id, plan_id: 'pro', days: 3, permanent: true, reason: 'x' }),
        400,
        'invalid_request',
      );
      expectError(await post({ user_id: randomUUID(), plan_id: 'pro', days: 3, reason: 'x' }), 404, 'user_not_found');
      expect(await api.entitlements(id)).toMatchObject({ tier: 'free' });
    });
  });

  describe('HTTP edge', () => {
    it('a body over the limit is 413 payload_too_large', async () => {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'big@example.com', display_name: 'x'.repeat(4096) }),
      });
      expectError(response, 413, 'payload_too_large');
    });

    it('malformed JSON is 400 invalid_json', async () => {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        payload: '{"email": "half@example.com"',
      });
      expectError(response, 400, 'invalid_json');
    });

    it('an unknown route is 404 route_not_found', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
      expect(expectError(response, 404, 'route_not_found').error.message).toContain('/v1/nothing-here');
    });

    it('/healthz and /readyz answer 200', async () => {
      const health = await harness.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await harness.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
    });

    it('the OpenAPI document is off unless docs are turned on', async () => {
      const response = await harness.app.inject({ method: 'GET', url: '/docs/json' });
      expectError(response, 404, 'route_not_found');
    });
  });
});

describe('price versions', () => {
  let harness: TestApp;
  const api = client(() => harness);
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('a new price is a new version: earlier subscribers keep their price, new checkouts get the new one', async () => {
    const early = await api.createUser({ email: 'early-bird@example.com' });
    await api.subscribe(early.id, 'pro');

    const patched = await harness.app.inject({
      method: 'PATCH',
      url: '/admin/plans/pro',
      headers: adminHeaders,
      payload: { prices: [{ interval: 'month', amount_minor: 5900 }] },
    });
    expect(patched.statusCode).toBe(200);
    const monthly = patched
      .json<PlanView>()
      .prices.filter((price) => price.interval === 'month')
      .sort((left, right) => left.version - right.version);
    expect(monthly).toEqual([
      expect.objectContaining({ id: 'pro_month_usd_v1', amount_minor: 4900, version: 1, active: false }),
      expect.objectContaining({ id: 'pro_month_usd_v2', amount_minor: 5900, version: 2, active: true }),
    ]);
    // The annual price was not in the patch, so it is untouched.
    expect(patched.json<PlanView>().prices.find((price) => price.interval === 'year')).toMatchObject({
      id: 'pro_year_usd_v1',
      active: true,
    });
    const publicPro = (await harness.app.inject({ method: 'GET', url: '/v1/plans' }))
      .json<{ plans: PlanView[] }>()
      .plans.find((plan) => plan.id === 'pro')!;
    expect(publicPro.prices.filter((price) => price.interval === 'month')).toEqual([
      expect.objectContaining({ id: 'pro_month_usd_v2', amount_minor: 5900 }),
    ]);

    const earlyView = await harness.app.inject({
      method: 'GET',
      url: `/admin/users/${early.id}`,
      headers: adminHeaders,
    });
    expect(earlyView.json()).toMatchObject({
      billing: { subscription: { plan_id: 'pro', plan_price_id: 'pro_month_usd_v1', status: 'active' } },
    });

    const late = await api.createUser({ email: 'late-comer@example.com' });
    const { session_id: sessionId } = await api.subscribe(late.id, 'pro');
    const [session] = await harness.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, sessionId));
    expect(session!.planPriceId).toBe('pro_month_usd_v2');
    const lateView = await harness.app.inject({ method: 'GET', url: `/admin/users/${late.id}`, headers: adminHeaders });
    expect(lateView.json()).toMatchObject({
      billing: { subscription: { plan_price_id: 'pro_month_usd_v2' } },
    });
    expect(await api.entitlements(late.id)).toMatchObject({ tier: 'pro', status: 'active' });

    // Both are still billed what they signed up for.
    const revenue = await harness.app.inject({ method: 'GET', url: '/admin/revenue', headers: adminHeaders });
    expect(revenue.json()).toMatchObject({ mrr: [{ currency: 'usd', amount_minor: 4900 + 5900 }] });
  });
});

describe('revenue and metrics', () => {
  let harness: TestApp;
  const api = client(() => harness);
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('after a sandbox Pro purchase, the report shows MRR, active subscriptions by plan, revenue by provider and the vault', async () => {
    const { id } = await api.createUser({ email: 'revenue@example.com' });
    await api.subscribe(id, 'pro');
    // The period's end is exclusive and the payment happened at "now": look a minute later.
    harness.clock.advance(60_000);
    const response = await harness.app.inject({ method: 'GET', url: '/admin/revenue', headers: adminHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      mrr: [{ currency: 'usd', amount_minor: 4900 }],
      active_subscriptions: [{ plan_id: 'pro', count: 1 }],
      new_subscriptions: 1,
      churned_subscriptions: 0,
      revenue_by_provider: [
        {
          provider: 'sandbox',
          currency: 'usd',
          gross_minor: 4900,
          refunds_minor: 0,
          disputes_minor: 0,
          net_minor: 4900,
        },
      ],
      vault: [{ currency: 'usd', contributed_minor: 490 }],
    });

    const before = await harness.app.inject({
      method: 'GET',
      url: '/admin/revenue?to=2026-10-01T00:00:00Z',
      headers: adminHeaders,
    });
    expect(before.json()).toMatchObject({ revenue_by_provider: [], vault: [], new_subscriptions: 0 });
    const reversed = await harness.app.inject({
      method: 'GET',
      url: '/admin/revenue?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z',
      headers: adminHeaders,
    });
    expectError(reversed, 400, 'period_invalid');
  });

  it('/metrics exposes request latency, webhook outcomes, queue depth and MRR', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/metrics', headers: adminHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    const text = response.body;
    expect(text).toMatch(/^http_request_duration_seconds_count\{[^}]*route="\/v1\/users"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^webhook_events_total\{provider="sandbox",status="processed"\} [1-9]/m);
    expect(text).toMatch(/^queue_depth \d+$/m);
    expect(text).toMatch(/^mrr_minor_units\{currency="usd"\} 4900$/m);
  });
});

describe('OpenAPI document', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp({ DOCS: 'on' });
  });
  afterAll(async () => harness?.close());

  it('GET /docs/json is an OpenAPI document listing the public catalog, checkout, cancel and resume routes', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths['/v1/plans']).toHaveProperty('get');
    expect(document.paths['/v1/billing/checkout-session']).toHaveProperty('post');
    expect(document.paths['/v1/billing/cancel']).toHaveProperty('post');
    expect(document.paths['/v1/billing/resume']).toHaveProperty('post');
    expect(document.paths['/admin/grants']).toHaveProperty('post');
    // Hidden operational and sandbox page routes stay out of the public document.
    expect(Object.keys(document.paths)).not.toContain('/healthz');
  });
});
