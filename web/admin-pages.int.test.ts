import { and, desc, eq, like } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandActor } from '../bots/command-types.js';
import { createCommandRouter } from '../bots/commands.js';
import { findCheckoutLink, payCheckoutLink } from '../bots/testing/pay-checkout-link.js';
import { adminHeaders, createTestApp, type TestApp, testAdminKey } from '../core/testing/test-core.js';
import { auditLog, paymentEvents } from '../db/schema/index.js';
import { createFormSession, type FormSession } from './testing/form-session.js';

/** Every `data-figure="key" data-value="value"` on a page. */
const figuresOf = (body: string) =>
  Object.fromEntries(
    [...body.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map((match) => [match[1], match[2]]),
  );

const secretOf = (body: string) => {
  const secret = /enter the secret by hand: <code>([A-Z2-7]+)<\/code>/.exec(body)?.[1];
  expect(secret, 'the enrolment page shows the secret').toBeDefined();
  return secret!;
};

describe('the owner’s admin pages', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const codeAt = (secret: string, offsetMs = 0) =>
    new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
      timestamp: harness.clock.now().getTime() + offsetMs,
    });
  const auditsOf = (actor: string) =>
    harness.core.db.select().from(auditLog).where(eq(auditLog.actor, actor)).orderBy(desc(auditLog.id));

  /** Admin key, then TOTP: enrols on first use (returning the secret and recovery codes), verifies after. */
  let adminKeySecret: string | undefined;
  let adminKeyRecoveryCodes: string[] = [];
  async function signInWithAdminKey(): Promise<FormSession> {
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    const signedIn = await browser.post('/admin/sign-in', { admin_key: testAdminKey });
    expect(signedIn.statusCode, signedIn.body).toBe(303);
    expect(signedIn.headers.location).toBe('/admin/two-factor');
    const page = await browser.get('/admin/two-factor');
    if (!adminKeySecret) {
      adminKeySecret = secretOf(page.body);
      expect(page.body).toContain('<svg');
      const enrolled = await browser.post('/admin/two-factor/enrol', { code: codeAt(adminKeySecret) });
      expect(enrolled.statusCode, enrolled.body).toBe(200);
      adminKeyRecoveryCodes = [...enrolled.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map(
        (match) => match[1]!,
      );
      return browser;
    }
    // Each code is accepted once: move to the next time step before using a fresh one.
    harness.clock.advance(30_000);
    const verified = await browser.post('/admin/two-factor', { code: codeAt(adminKeySecret) });
    expect(verified.statusCode, verified.body).toBe(303);
    return browser;
  }

  it('every admin page sends a visitor without an admin session to sign-in, a member’s web session included', async () => {
    const member = (await harness.createUser({ email: 'not-an-admin@example.com' })).id;
    const { token } = await harness.core.webSessions.create(member, 'email');
    for (const url of ['/admin', '/admin/dashboard', '/admin/inbox', '/admin/rollout']) {
      for (const cookie of [undefined, `session=${token}`]) {
        const response = await harness.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
        expect(response.statusCode, url).toBe(303);
        expect(response.headers.location).toBe('/admin/sign-in');
      }
    }
    // A form post without a session changes nothing either.
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    const posted = await browser.post('/admin/rollout', { mode: 'on' });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/admin/sign-in');
    expect((await harness.core.featureFlags.get('billing_pages')).mode).toBe('off');
  });

  it('the admin key alone opens nothing: the pages wait for the two-factor code', async () => {
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    await browser.post('/admin/sign-in', { admin_key: testAdminKey });
    const dashboard = await browser.get('/admin/dashboard');
    expect(dashboard.statusCode).toBe(303);
    expect(dashboard.headers.location).toBe('/admin/two-factor');
  });

  it('TOTP enrolment shows a QR code, verifies the first code and shows ten recovery codes once; the session cookie is HttpOnly and SameSite=Strict', async () => {
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    const signedIn = await browser.post('/admin/sign-in', { admin_key: testAdminKey });
    const cookie = signedIn.cookies.find((each) => each.name === 'admin_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const enrolment = await browser.get('/admin/two-factor');
    expect(enrolment.statusCode).toBe(200);
    expect(enrolment.body).toMatch(/<svg[^>]*>/);
    expect(enrolment.body).not.toMatch(/\sstyle=/);
    adminKeySecret = secretOf(enrolment.body);
    const enrolled = await browser.post('/admin/two-factor/enrol', { code: codeAt(adminKeySecret) });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    adminKeyRecoveryCodes = [...enrolled.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map(
      (match) => match[1]!,
    );
    expect(adminKeyRecoveryCodes).toHaveLength(10);
    expect(new Set(adminKeyRecoveryCodes).size).toBe(10);
    expect((await browser.get('/admin/dashboard')).statusCode).toBe(200);
    // Once enrolled, the enrolment page (and its secret) is never shown again.
    const again = createFormSession(harness);
    await again.get('/admin/sign-in');
    await again.post('/admin/sign-in', { admin_key: testAdminKey });
    const codePage = await again.get('/admin/two-factor');
    expect(codePage.body).not.toContain(adminKeySecret);
    expect(codePage.body).not.toContain('<svg');
  });

  it('a wrong TOTP code, or a code already used, is refused and the pages stay closed', async () => {
    await signInWithAdminKey();
    const browser = createFormSession(harness);
    await browser.get('/admin/sign-in');
    await browser.post('/admin/sign-in', { admin_key: testAdminKey });
    await browser.get('/admin/two-factor');
    const wrong = await browser.post('/admin/two-factor', {
      code: '000000' === codeAt(adminKeySecret!) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(401);
    // The code just accepted for the other browser, in the same time step, is spent.
    const reused = await browser.post('/admin/two-factor', { code: codeAt(adminKeySecret!) });
    expect(reused.statusCode).toBe(401);
    expect((await browser.get('/admin/dashboard')).headers.location).toBe('/admin/two-factor');
    const refusals = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'admin_web.second_factor_refused'), eq(auditLog.actor, 'admin:api-key')));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
  });

  it('a recovery code opens the pages once, and never again', async () => {
    await signInWithAdminKey();
    const recoveryCode = adminKeyRecoveryCodes[0]!;
    const first = createFormSession(harness);
    await first.get('/admin/sign-in');
    await first.post('/admin/sign-in', { admin_key: testAdminKey });
    await first.get('/admin/two-factor');
    const used = await first.post('/admin/two-factor', { code: recoveryCode.toUpperCase() });
    expect(used.statusCode, used.body).toBe(303);
    expect((await first.get('/admin/dashboard')).statusCode).toBe(200);

    const second = createFormSession(harness);
    await second.get('/admin/sign-in');
    await second.post('/admin/sign-in', { admin_key: testAdminKey });
    await second.get('/admin/two-factor');
    expect((await second.post('/admin/two-factor', { code: recoveryCode })).statusCode).toBe(401);
    expect((await auditsOf('admin:api-key')).map((row) => row.action)).toContain('admin_web.recovery_code_used');
  });

  it('a form without its CSRF token is refused (403) and changes nothing', async () => {
    const browser = await signInWithAdminKey();
    await browser.get('/admin/rollout');
    const forged = await browser.post('/admin/rollout', { mode: 'on' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect((await harness.core.featureFlags.get('billing_pages')).mode).toBe('off');
    const signIn = createFormSession(harness);
    expect((await signIn.post('/admin/sign-in', { admin_key: testAdminKey }, { csrf: false })).statusCode).toBe(403);
  });

  it('the rollout page changes the billing pages flag, audited with the admin who saved it', async () => {
    const browser = await signInWithAdminKey();
    await browser.get('/admin/rollout');
    const member = (await harness.createUser({ email: 'rollout-listed@example.com' })).id;
    const saved = await browser.post('/admin/rollout', { mode: 'allow_list', allow_list: member, percentage: '0' });
    expect(saved.statusCode, saved.body).toBe(303);
    expect(await harness.core.featureFlags.billingPagesEnabledFor(member)).toBe(true);
    expect((await browser.get('/admin/rollout')).body).toContain('data-value="allow_list"');
    const refused = await browser.post('/admin/rollout', { mode: 'percentage', percentage: '150' });
    expect(refused.statusCode).toBe(400);
    const [audit] = await harness.core.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'feature_flag.changed'))
      .orderBy(desc(auditLog.id));
    expect(audit).toMatchObject({ actor: 'admin:api-key', subjectId: 'billing_pages' });
    await browser.post('/admin/rollout', { mode: 'off', percentage: '0' });
  });

  it('the dashboard shows exactly the figures GET /admin/revenue gives for the same period, and the funnel counts a purchase', async () => {
    const router = createCommandRouter(harness.core);
    const buyer: CommandActor = { platform: 'discord', externalId: '9301', platformModerator: false };
    await router.run(buyer, { name: 'tiers', args: {} });
    const reply = await router.run(buyer, { name: 'subscribe', args: { plan: 'pro' } });
    await payCheckoutLink(harness, findCheckoutLink(reply.text));

    const browser = await signInWithAdminKey();
    for (const [query, revenueQuery] of [
      ['', ''],
      ['?from=2026-11-01&to=2026-11-30', '?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z'],
    ] as const) {
      const page = await browser.get(`/admin/dashboard${query}`);
      expect(page.statusCode, page.body).toBe(200);
      // Charts are drawn with attributes and classes only: the strict CSP refuses inline styles and scripts.
      expect(page.headers['content-security-policy']).toContain("style-src 'self'");
      expect(page.body).not.toMatch(/\sstyle=|<script(?![^>]*\ssrc=)/);
      const shown = figuresOf(page.body);
      const revenue = (
        await harness.app.inject({ method: 'GET', url: `/admin/revenue${revenueQuery}`, headers: adminHeaders })
      ).json<import('../core/billing/revenue-report.js').RevenueReport>();
      const expected: Record<string, string> = {
        new_subscriptions: String(revenue.new_subscriptions),
        churned_subscriptions: String(revenue.churned_subscriptions),
        live_at_period_start: String(revenue.live_at_period_start),
        churn_rate_bps: revenue.churn_rate_bps === null ? '' : String(revenue.churn_rate_bps),
      };
      for (const entry of revenue.mrr) expected[`mrr:${entry.currency}`] = String(entry.amount_minor);
      for (const entry of revenue.active_subscriptions) expected[`active:${entry.plan_id}`] = String(entry.count);
      for (const entry of revenue.revenue_by_provider) {
        const key = `${entry.provider}:${entry.currency}`;
        expected[`gross:${key}`] = String(entry.gross_minor);
        expected[`refunds:${key}`] = String(entry.refunds_minor);
        expected[`disputes:${key}`] = String(entry.disputes_minor);
        expected[`net:${key}`] = String(entry.net_minor);
      }
      for (const entry of revenue.vault) expected[`vault:${entry.currency}`] = String(entry.contributed_minor);
      expect(revenue.new_subscriptions).toBeGreaterThanOrEqual(1);
      expect(revenue.mrr.length).toBeGreaterThan(0);
      expect(shown).toMatchObject(expected);
      // The weeks add up to the period's totals.
      const weekly = Object.entries(shown).filter(([key]) => /^week:\d+:new$/.test(key));
      expect(weekly.reduce((sum, [, value]) => sum + Number(value), 0)).toBe(revenue.new_subscriptions);
      expect(Number(shown['funnel:discord:paid'])).toBeGreaterThanOrEqual(1);
      expect(Number(shown['funnel:discord:opened'])).toBeGreaterThanOrEqual(1);
      expect(Number(shown['funnel:discord:viewed'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('a dead letter is replayed from the webhooks page, processed again, and audited with who pressed the button', async () => {
    const router = createCommandRouter(harness.core);
    const buyer: CommandActor = { platform: 'telegram', externalId: '9401', platformModerator: false };
    const reply = await router.run(buyer, { name: 'subscribe', args: { plan: 'core' } });
    await payCheckoutLink(harness, findCheckoutLink(reply.text));
    const [event] = await harness.core.db
      .select()
      .from(paymentEvents)
      .where(like(paymentEvents.eventType, '%checkout%'))
      .orderBy(desc(paymentEvents.receivedAt))
      .limit(1);
    expect(event).toBeDefined();
    await harness.core.db
      .update(paymentEvents)
      .set({ status: 'dead', lastError: 'simulated: provider unreachable' })
      .where(eq(paymentEvents.id, event!.id));

    const browser = await signInWithAdminKey();
    const inbox = await browser.get('/admin/inbox');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('simulated: provider unreachable');
    expect(figuresOf(inbox.body)['status:dead']).toBe('1');
    const replayed = await browser.post(`/admin/inbox/${event!.id}/replay`);
    expect(replayed.statusCode, replayed.body).toBe(303);
    await harness.drain();
    const [after] = await harness.core.db.select().from(paymentEvents).where(eq(paymentEvents.id, event!.id));
    expect(['processed', 'ignored']).toContain(after?.status);
    expect(after?.lastError).toBeNull();
    const [audit] = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'webhook_event.replayed'), eq(auditLog.subjectId, event!.id)));
    expect(audit?.actor).toBe('admin:api-key');
  });

  it('a moderator signs in with the one-time link from /admin weblogin, as their chat identity, and the link works once', async () => {
    const router = createCommandRouter(harness.core);
    const moderator: CommandActor = { platform: 'discord', externalId: '9501', platformModerator: true };
    const member: CommandActor = { platform: 'discord', externalId: '9502', platformModerator: false };
    expect((await router.run(member, { name: 'admin', subcommand: 'weblogin', args: {} })).text).toContain(
      'not_moderator',
    );
    const reply = await router.run(moderator, { name: 'admin', subcommand: 'weblogin', args: {} });
    const link = /https?:\/\/\S+\/admin\/sign-in\/link\?token=[\w%-]+/.exec(reply.text)?.[0];
    expect(link, reply.text).toBeDefined();
    const path = new URL(link!).pathname + new URL(link!).search;

    const browser = createFormSession(harness);
    // Opening the link (as a chat's link preview does) spends nothing: only the button does.
    const landing = await browser.get(path);
    expect(landing.statusCode).toBe(200);
    const token = new URL(link!).searchParams.get('token')!;
    const used = await browser.post('/admin/sign-in/link', { token });
    expect(used.statusCode, used.body).toBe(303);
    const enrolment = await browser.get('/admin/two-factor');
    const secret = secretOf(enrolment.body);
    expect((await browser.post('/admin/two-factor/enrol', { code: codeAt(secret) })).statusCode).toBe(200);
    await browser.get('/admin/rollout');
    expect((await browser.post('/admin/rollout', { mode: 'off', percentage: '0' })).statusCode).toBe(303);

    const actions = (await auditsOf('discord:9501')).map((row) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'admin_web.login_link_issued',
        'admin_web.signed_in',
        'admin_web.second_factor_enrolled',
        'feature_flag.changed',
      ]),
    );

    const again = createFormSession(harness);
    await again.get(path);
    expect((await again.post('/admin/sign-in/link', { token })).statusCode).toBe(401);
  });

  it('an admin session left idle for 30 minutes is signed out; sign-out ends it at once', async () => {
    const browser = await signInWithAdminKey();
    expect((await browser.get('/admin/dashboard')).statusCode).toBe(200);
    harness.clock.advance(31 * 60_000);
    expect((await browser.get('/admin/dashboard')).headers.location).toBe('/admin/sign-in');

    const other = await signInWithAdminKey();
    await other.get('/admin/dashboard');
    expect((await other.post('/admin/sign-out')).statusCode).toBe(303);
    expect((await other.get('/admin/dashboard')).headers.location).toBe('/admin/sign-in');
    expect((await auditsOf('admin:api-key')).map((row) => row.action)).toContain('admin_web.signed_out');
  });
});
