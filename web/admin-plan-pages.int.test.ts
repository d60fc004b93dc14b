import { and, desc, eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandActor } from '../bots/command-types.js';
import { createCommandRouter } from '../bots/commands.js';
import { findCheckoutLink, payCheckoutLink } from '../bots/testing/pay-checkout-link.js';
import { createTestApp, type TestApp, testAdminKey } from '../core/testing/test-core.js';
import { auditLog, subscriptions } from '../db/schema/index.js';
import { createFormSession, type FormSession } from './testing/form-session.js';

/** Every `data-figure="key" data-value="value"` on a page. */
const figuresOf = (body: string) =>
  Object.fromEntries(
    [...body.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map((match) => [match[1], match[2]]),
  );

/** The stable code a refused form shows. */
const refusalCodeOf = (body: string) => /data-error-code="([^"]+)"/.exec(body)?.[1];

describe('the Plans admin pages', () => {
  let harness: TestApp;
  let admin: FormSession;
  beforeAll(async () => {
    harness = await createTestApp();
    await harness.openMemberPages();
    admin = await signInWithAdminKey();
  });
  afterAll(async () => harness?.close());

  /** Admin key, then enrolling TOTP: an admin session as the owner has it. */
  async function signInWithAdminKey(): Promise<FormSession> {
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    expect((await browser.post('/admin/sign-in', { admin_key: testAdminKey })).statusCode).toBe(303);
    const page = await browser.get('/admin/two-factor');
    const secret = /enter the secret by hand: <code>([A-Z2-7]+)<\/code>/.exec(page.body)?.[1];
    expect(secret).toBeDefined();
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret!) }).generate({
      timestamp: harness.clock.now().getTime(),
    });
    expect((await browser.post('/admin/two-factor/enrol', { code })).statusCode).toBe(200);
    return browser;
  }

  const latestAudit = async (action: string, subjectId: string) =>
    (
      await harness.core.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)))
        .orderBy(desc(auditLog.id))
        .limit(1)
    )[0];

  /** The plan form's fields as the page fills them, with `changes` on top. */
  async function detailsForm(planId: string, changes: Record<string, string>) {
    const plan = await harness.core.catalog.getPlan(planId);
    return {
      name: plan.name,
      description: plan.description,
      rank: String(plan.rank),
      features: plan.features.join('\n'),
      ...Object.fromEntries(Object.entries(plan.quotas).map(([name, value]) => [`quota_${name}`, String(value)])),
      ...changes,
    };
  }

  it('every plan page and form sends a visitor without an admin session to sign-in, a member’s web session included, and changes nothing', async () => {
    const member = (await harness.createUser({ email: 'plans-not-admin@example.com' })).id;
    const { token } = await harness.core.webSessions.create(member, 'email');
    for (const url of ['/admin/catalog', '/admin/catalog/pro', '/admin/catalog/promotions']) {
      for (const cookie of [undefined, `session=${token}`]) {
        const response = await harness.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location).toBe('/admin/sign-in');
      }
    }
    const visitor = createFormSession(harness);
    await visitor.get('/admin/sign-in');
    const posted = await visitor.post('/admin/catalog/pro/prices', { interval: 'month', currency: 'usd', amount: '1' });
    expect(posted.headers.location).toBe('/admin/sign-in');
    const prices = (await harness.core.catalog.getPlan('pro')).prices;
    expect(prices.filter((price) => price.interval === 'month').map((price) => price.version)).toEqual([1]);
  });

  it('a price change makes a new version: the sandbox subscriber stays on the old one, and the pages count 1 on the old and 0 on the new', async () => {
    const router = createCommandRouter(harness.core);
    const buyer: CommandActor = { platform: 'discord', externalId: '7301', platformModerator: false };
    await router.run(buyer, { name: 'tiers', args: {} });
    await payCheckoutLink(
      harness,
      findCheckoutLink((await router.run(buyer, { name: 'subscribe', args: { plan: 'pro' } })).text),
    );
    const [subscription] = await harness.core.db.select().from(subscriptions).where(eq(subscriptions.planId, 'pro'));
    expect(subscription?.planPriceId).toBe('pro_month_usd_v1');

    await admin.get('/admin/catalog/pro');
    const changed = await admin.post('/admin/catalog/pro/prices', {
      interval: 'month',
      currency: 'usd',
      amount: '59.00',
    });
    expect(changed.statusCode, changed.body).toBe(303);

    const [after] = await harness.core.db.select().from(subscriptions).where(eq(subscriptions.id, subscription!.id));
    expect(after?.planPriceId).toBe('pro_month_usd_v1');
    const current = (await harness.core.catalog.getPlan('pro')).prices.find(
      (price) => price.active && price.interval === 'month',
    );
    expect(current).toMatchObject({ id: 'pro_month_usd_v2', amountMinor: 5900 });
    for (const url of ['/admin/catalog', '/admin/catalog/pro']) {
      const page = await admin.get(url);
      expect(page.statusCode).toBe(200);
      expect(figuresOf(page.body)).toMatchObject({
        'subscribers:pro_month_usd_v1': '1',
        'subscribers:pro_month_usd_v2': '0',
      });
    }
    expect((await harness.app.inject({ method: 'GET', url: '/pricing' })).body).toContain('$59.00');
    expect(await latestAudit('plan.updated', 'pro')).toMatchObject({ actor: 'admin:api-key' });
  });

  it('editing a plan’s quotas changes the entitlements of the members who hold it', async () => {
    const holder = (await harness.createUser({ email: 'core-holder@example.com' })).id;
    await harness.core.grants.grant(
      { userId: holder, planId: 'core', days: 30, expiresAt: null, reason: 'test' },
      'test',
    );
    expect((await harness.core.entitlements.get(holder)).quotas.signals_per_day).toBe(100);

    await admin.get('/admin/catalog/core');
    const saved = await admin.post('/admin/catalog/core', await detailsForm('core', { quota_signals_per_day: '250' }));
    expect(saved.statusCode, saved.body).toBe(303);
    expect((await harness.core.catalog.getPlan('core')).quotas.signals_per_day).toBe(250);
    expect((await harness.core.entitlements.get(holder)).quotas.signals_per_day).toBe(250);
    expect(await latestAudit('plan.updated', 'core')).toMatchObject({ actor: 'admin:api-key' });
  });

  it('a plan created on the page shows on /pricing; archived it leaves /pricing, unarchived it comes back', async () => {
    const onPricing = async () =>
      (await harness.app.inject({ method: 'GET', url: '/pricing' })).body.includes('Starter plan');
    await admin.get('/admin/catalog');
    const created = await admin.post('/admin/catalog', {
      id: 'starter',
      kind: 'tier',
      name: 'Starter plan',
      description: 'A test tier.',
      rank: '5',
      features: 'community_basic\nprivate_channels',
      quota_signals_per_day: '50',
      currency: 'usd',
      month_amount: '4.50',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(created.headers.location).toBe('/admin/catalog/starter?saved=created');
    expect(await onPricing()).toBe(true);

    await admin.get('/admin/catalog/starter');
    expect((await admin.post('/admin/catalog/starter/archive', { active: 'false' })).statusCode).toBe(303);
    expect(await onPricing()).toBe(false);
    expect((await admin.get('/admin/catalog')).body).toMatch(
      /Starter plan<\/a><br><code>starter<\/code><\/th><td>Archived/,
    );
    expect((await admin.post('/admin/catalog/starter/archive', { active: 'true' })).statusCode).toBe(303);
    expect(await onPricing()).toBe(true);
  });

  it('a chat resource is added to and removed from a plan on its page, audited as the admin', async () => {
    await admin.get('/admin/catalog/pro');
    const added = await admin.post('/admin/catalog/pro/access', {
      kind: 'discord_role',
      scope_id: '111111111111111111',
      resource_id: '222222222222222222',
      label: 'Pro role',
    });
    expect(added.statusCode, added.body).toBe(303);
    const [resource] = await harness.core.access.resources.list('pro');
    expect(resource).toMatchObject({ kind: 'discord_role', resourceId: '222222222222222222', label: 'Pro role' });
    const page = await admin.get('/admin/catalog/pro');
    expect(page.body).toContain('222222222222222222');

    const removed = await admin.post(`/admin/catalog/pro/access/${resource!.id}/remove`);
    expect(removed.statusCode, removed.body).toBe(303);
    expect(await harness.core.access.resources.list('pro')).toEqual([]);
    expect(await latestAudit('plan.access_resource_added', 'pro')).toMatchObject({ actor: 'admin:api-key' });
    expect(await latestAudit('plan.access_resource_removed', 'pro')).toMatchObject({ actor: 'admin:api-key' });
  });

  it('a promo code is created and deactivated on the promotions page, audited as the admin', async () => {
    await admin.get('/admin/catalog/promotions');
    const created = await admin.post('/admin/catalog/promotions', {
      code: 'SPRING20',
      discount: 'percent',
      discount_value: '20',
      duration: 'once',
      plan_ids: 'pro',
      max_redemptions: '100',
      expires_on: '2027-03-31',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(await harness.core.promotions.get('SPRING20')).toMatchObject({
      percent_off: 20,
      plan_ids: ['pro'],
      max_redemptions: 100,
      expires_at: '2027-04-01T00:00:00.000Z',
      active: true,
    });
    const page = await admin.get('/admin/catalog/promotions');
    expect(figuresOf(page.body)['active:SPRING20']).toBe('true');

    const deactivated = await admin.post('/admin/catalog/promotions/SPRING20/deactivate');
    expect(deactivated.statusCode, deactivated.body).toBe(303);
    expect((await harness.core.promotions.get('SPRING20')).active).toBe(false);
    expect(figuresOf((await admin.get('/admin/catalog/promotions')).body)['active:SPRING20']).toBe('false');
    expect(await latestAudit('promotion.created', 'SPRING20')).toMatchObject({ actor: 'admin:api-key' });
    expect(await latestAudit('promotion.disabled', 'SPRING20')).toMatchObject({ actor: 'admin:api-key' });
  });

  it('bad input comes back as the page with a 4xx, the message and its stable code, never JSON or a 500, and changes nothing', async () => {
    const refusals: Array<[string, Record<string, string>, number, string]> = [
      ['/admin/catalog/pro/prices', { interval: 'month', currency: 'usd', amount: 'lots' }, 400, 'invalid_request'],
      ['/admin/catalog/pro/prices', { interval: 'month', currency: 'usd', amount: '1.234' }, 400, 'invalid_request'],
      ['/admin/catalog/pro/prices', { interval: 'weekly', currency: 'usd', amount: '5' }, 400, 'invalid_request'],
      ['/admin/catalog/pro', await detailsForm('pro', { name: '' }), 400, 'invalid_request'],
      ['/admin/catalog/pro', await detailsForm('pro', { quota_api_rpm: '-5' }), 400, 'invalid_request'],
      ['/admin/catalog', { id: 'Bad Id', kind: 'tier', name: 'x' }, 400, 'invalid_request'],
      ['/admin/catalog', { id: 'pro', kind: 'tier', name: 'Pro again' }, 409, 'plan_exists'],
      ['/admin/catalog', { id: 'promotions', kind: 'tier', name: 'Shadow' }, 400, 'invalid_request'],
      ['/admin/catalog/pro/access', { kind: 'discord_role', resource_id: 'not-a-snowflake' }, 400, 'invalid_request'],
      [
        '/admin/catalog/addon_api_quota/access',
        { kind: 'slack_channel', resource_id: 'C0123456789' },
        422,
        'addon_has_no_features',
      ],
      ['/admin/catalog/pro/access/00000000-0000-4000-8000-000000000000/remove', {}, 404, 'access_resource_not_found'],
      [
        '/admin/catalog/promotions',
        { code: 'BIG', discount: 'percent', discount_value: '150' },
        400,
        'invalid_request',
      ],
      [
        '/admin/catalog/promotions',
        { code: 'BAD CODE', discount: 'percent', discount_value: '10' },
        400,
        'invalid_request',
      ],
      [
        '/admin/catalog/promotions',
        { code: 'LATE', discount: 'percent', discount_value: '10', expires_on: '2027-02-31' },
        400,
        'invalid_request',
      ],
      ['/admin/catalog/promotions/NOSUCHCODE/deactivate', {}, 404, 'code_unknown'],
      ['/admin/catalog/no_such_plan/prices', { interval: 'month', amount: '5' }, 404, 'plan_not_found'],
    ];
    const before = await harness.core.catalog.getPlan('pro');
    for (const [url, fields, status, code] of refusals) {
      await admin.get('/admin/catalog');
      const response = await admin.post(url, fields);
      expect(response.statusCode, `${url} ${JSON.stringify(fields)}: ${response.body.slice(0, 300)}`).toBe(status);
      expect(response.headers['content-type']).toContain('text/html');
      expect(refusalCodeOf(response.body), url).toBe(code);
    }
    expect(await harness.core.catalog.getPlan('pro')).toEqual(before);
    // A refused form comes back with what was typed, so one wrong field does not cost the rest.
    await admin.get('/admin/catalog/pro');
    const price = await admin.post('/admin/catalog/pro/prices', { interval: 'year', currency: 'usd', amount: 'lots' });
    expect(price.body).toMatch(/id="price-amount"[^>]*value="lots"/);
    expect(price.body).toContain('<option value="year" selected>');
    const plan = await admin.post('/admin/catalog', { id: 'Bad Id', kind: 'addon', name: 'Typed name' });
    expect(plan.body).toMatch(/id="new-name"[^>]*value="Typed name"/);
    expect(plan.body).toContain('<option value="addon" selected>');
    const promotion = await admin.post('/admin/catalog/promotions', {
      code: 'KEEPME',
      discount: 'amount',
      discount_value: '5.555',
      plan_ids: 'core',
    });
    expect(promotion.statusCode).toBe(400);
    expect(promotion.body).toMatch(/id="promotion-code"[^>]*value="KEEPME"/);
    expect(promotion.body).toMatch(/value="core" checked/);
    expect(
      (
        await harness.app.inject({
          method: 'GET',
          url: '/admin/catalog/no_such_plan',
          headers: { cookie: [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
        })
      ).statusCode,
    ).toBe(404);
  });
});
