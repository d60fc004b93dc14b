import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { auditLog } from '../db/schema/index.js';

describe('admin promotions API', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    harness.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });

  it('creates a code (upper-cased, in the shop currency), lists it, and disables it without deleting it', async () => {
    const created = await request('POST', '/admin/promotions', {
      code: 'launch5',
      amount_off_minor: 500,
      duration: 'forever',
      plan_ids: ['core', 'pro'],
      max_redemptions: 10,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      code: 'LAUNCH5',
      description: '$5.00 off every month',
      amount_off_minor: 500,
      currency: 'usd',
      percent_off: null,
      plan_ids: ['core', 'pro'],
      max_redemptions: 10,
      redemptions: 0,
      active: true,
      created_by: 'admin:api-key',
    });

    const disabled = await request('DELETE', '/admin/promotions/launch5');
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ code: 'LAUNCH5', active: false });

    const listed = await request('GET', '/admin/promotions');
    expect(listed.json<{ promotions: unknown[] }>().promotions).toEqual([
      expect.objectContaining({ code: 'LAUNCH5', active: false }),
    ]);
    const audited = await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectType, 'promotion'));
    expect(audited.map((entry) => entry.action).sort()).toEqual(['promotion.created', 'promotion.disabled']);
  });

  it('refuses a code given both a percent and an amount, or a repeating one without months, with 400', async () => {
    const both = await request('POST', '/admin/promotions', { code: 'BOTH', percent_off: 10, amount_off_minor: 100 });
    expect(both.statusCode).toBe(400);
    const noMonths = await request('POST', '/admin/promotions', {
      code: 'NOMONTHS',
      percent_off: 10,
      duration: 'repeating',
    });
    expect(noMonths.statusCode).toBe(400);
    const tooMuch = await request('POST', '/admin/promotions', { code: 'HUGE', percent_off: 101 });
    expect(tooMuch.statusCode).toBe(400);
  });

  it('the database itself refuses a promotion with both a percent and an amount off', async () => {
    await expect(
      harness.core.db.execute(
        "insert into promotions (code, percent_off, amount_off_minor, currency, duration, created_by) values ('RAW', 10, 100, 'usd', 'once', 'test')",
      ),
    ).rejects.toThrow();
  });

  it('a second code with the same text, or one that is a referral code, is 409 code_taken', async () => {
    expect((await request('POST', '/admin/promotions', { code: 'TWICE', percent_off: 5 })).statusCode).toBe(201);
    const again = await request('POST', '/admin/promotions', { code: 'twice', percent_off: 7 });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'code_taken' } });

    const { id } = await harness.createUser({ email: 'referrer@example.com' });
    const { code } = await harness.core.referrals.codeFor(id);
    const shadow = await request('POST', '/admin/promotions', { code, percent_off: 5 });
    expect(shadow.statusCode).toBe(409);
    expect(shadow.json()).toMatchObject({ error: { code: 'code_taken' } });
  });

  it('disabling an unknown code is 404 code_unknown, and every route needs the admin key', async () => {
    const missing = await request('DELETE', '/admin/promotions/NOPE');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'code_unknown' } });
    const anonymous = await harness.app.inject({ method: 'GET', url: '/admin/promotions' });
    expect(anonymous.statusCode).toBe(401);
    const forged = await harness.app.inject({
      method: 'POST',
      url: '/admin/promotions',
      headers: { authorization: 'Bearer not-the-admin-key' },
      payload: { code: 'FREE', percent_off: 100 },
    });
    expect(forged.statusCode).toBe(403);
  });

  it('POST /v1/billing/checkout-session with promo_code opens a sandbox checkout that charges the discounted total', async () => {
    expect(
      (await request('POST', '/admin/promotions', { code: 'API20', percent_off: 20, duration: 'once' })).statusCode,
    ).toBe(201);
    const user = await harness.createUser({ email: 'promo-api@example.com' });
    const opened = await request('POST', '/v1/billing/checkout-session', {
      user_id: user.id,
      plan_id: 'pro',
      promo_code: 'api20',
    });
    expect(opened.statusCode, opened.body).toBe(200);
    const page = await harness.app.inject({ method: 'GET', url: new URL(opened.json<{ url: string }>().url).pathname });
    expect(page.body).toContain('Promo API20');
    expect(page.body).toContain('<span>Total due today</span><span>$39.20</span>');
  });
});
