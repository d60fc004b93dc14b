import { and, desc, eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatPlatform, type FakeChatPlatform } from '../core/testing/fake-chat-platform.js';
import { sandboxShop } from '../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp, testAdminKey } from '../core/testing/test-core.js';
import { auditLog, paymentEvents, purchases, signals } from '../db/schema/index.js';
import { createFormSession, type FormSession } from './testing/form-session.js';

/** Every `data-figure="key" data-value="value"` on a page. */
const figuresOf = (body: string) =>
  Object.fromEntries(
    [...body.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map((match) => [match[1], match[2]]),
  );

const guild = '880000000000000001';
const proRole = { kind: 'discord_role' as const, scopeId: guild, resourceId: '880000000000000002', label: 'Pro' };

describe('the owner’s members and signals pages', () => {
  let harness: TestApp;
  let discord: FakeChatPlatform;
  let admin: FormSession;
  let actor: string;
  const shop = sandboxShop(() => harness);
  let nextId = 0;

  /** A member with an email, a name, a Discord account in the guild and a Telegram account. */
  async function member(name: string) {
    nextId += 1;
    const discordId = `7100000000000${String(nextId).padStart(4, '0')}`;
    const telegramId = `66100${nextId}`;
    const email = `${name.toLowerCase().replaceAll(' ', '.')}@example.com`;
    const { id } = await harness.createUser({
      email,
      platform: 'discord',
      external_id: discordId,
      display_name: name,
    });
    // The same email with a Telegram account joins it to the same member.
    const joined = await harness.createUser({ email, platform: 'telegram', external_id: telegramId });
    expect(joined.id).toBe(id);
    discord.join(discordId, guild);
    return { userId: id, discordId, telegramId };
  }

  const memberPage = async (userId: string) => {
    const page = await admin.get(`/admin/members/${userId}`);
    expect(page.statusCode, page.body).toBe(200);
    return page;
  };
  const formAction = (body: string, pattern: RegExp) => {
    const action = pattern.exec(body)?.[0];
    expect(action, String(pattern)).toBeDefined();
    return action!;
  };

  beforeAll(async () => {
    harness = await createTestApp();
    discord = createFakeChatPlatform({ name: 'discord', clock: () => harness.core.clock.now() });
    harness.core.access.registerPlatform(discord.platform);
    const resource = await harness.app.inject({
      method: 'POST',
      url: '/admin/plans/pro/access',
      headers: adminHeaders,
      payload: { kind: proRole.kind, scope_id: guild, resource_id: proRole.resourceId, label: proRole.label },
    });
    expect(resource.statusCode, resource.body).toBe(201);

    admin = createFormSession(harness);
    await admin.get('/admin/sign-in');
    expect((await admin.post('/admin/sign-in', { admin_key: testAdminKey })).statusCode).toBe(303);
    const enrolment = await admin.get('/admin/two-factor');
    const secret = /enter the secret by hand: <code>([A-Z2-7]+)<\/code>/.exec(enrolment.body)![1]!;
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
      timestamp: harness.clock.now().getTime(),
    });
    expect((await admin.post('/admin/two-factor/enrol', { code })).statusCode).toBe(200);
    const dashboard = await admin.get('/admin/members');
    expect(dashboard.statusCode).toBe(200);
    actor = /Signed in as <code>([^<]+)<\/code>/.exec(dashboard.body)![1]!;
  });
  afterAll(async () => harness?.close());

  it('without an admin session the pages and their forms send to sign-in and change nothing', async () => {
    const { userId } = await member('Nobody Signed');
    for (const url of [
      '/admin/members',
      `/admin/members?q=nobody`,
      `/admin/members/${userId}`,
      '/admin/track-record',
    ]) {
      const response = await harness.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(303);
      expect(response.headers.location).toBe('/admin/sign-in');
    }
    const visitor = createFormSession(harness);
    await visitor.get('/admin/sign-in');
    const posted = await visitor.post(`/admin/members/${userId}/freezes`, { reason: 'sneaky' });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/admin/sign-in');
    expect(await harness.core.freezes.list(userId)).toHaveLength(0);
  });

  it('a form posted without its CSRF token is refused with 403 and changes nothing', async () => {
    const { userId } = await member('Forged Form');
    await memberPage(userId);
    const forged = await admin.post(`/admin/members/${userId}/freezes`, { reason: 'forged' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('csrf_token_invalid');
    expect(await harness.core.freezes.list(userId)).toHaveLength(0);
    await admin.get('/admin/track-record');
    const signal = await admin.post(
      '/admin/track-record',
      {
        instrument: 'BTCUSDT',
        side: 'long',
        entry: '100',
        stop: '90',
        targets: '110',
        idempotency_key: 'web:forged-1',
      },
      { csrf: false },
    );
    expect(signal.statusCode).toBe(403);
  });

  it('search finds a member by part of their email, by their Telegram id, by their name, and says when nobody matches', async () => {
    const found = await member('Grace Hopper');
    const other = await member('Alan Turing');
    for (const query of ['grace.hop', found.telegramId, 'Grace Hopper', 'hopper', `telegram:${found.telegramId}`]) {
      const page = await admin.get(`/admin/members?q=${encodeURIComponent(query)}`);
      expect(page.statusCode).toBe(200);
      expect(page.body, query).toContain(`href="/admin/members/${found.userId}"`);
      expect(page.body, query).not.toContain(`href="/admin/members/${other.userId}"`);
    }
    const byDiscord = await admin.get(`/admin/members?q=${found.discordId}`);
    expect(figuresOf(byDiscord.body).results).toBe('1');
    const nobody = await admin.get('/admin/members?q=no-such-person-anywhere');
    expect(figuresOf(nobody.body).results).toBe('0');
    expect(nobody.body).toContain('Nobody matches');
    // LIKE wildcards typed by the owner match themselves, not everyone.
    expect(figuresOf((await admin.get('/admin/members?q=%25')).body).results).toBe('0');
  });

  it('the member page shows plan and state, payments, identities and access per platform', async () => {
    const { userId, discordId, telegramId } = await member('Paying Member');
    await shop.subscribe(userId, 'pro');
    const page = await memberPage(userId);
    const figures = figuresOf(page.body);
    expect(figures).toMatchObject({
      tier: 'pro',
      status: 'active',
      [`access:discord:${proRole.resourceId}`]: 'granted',
    });
    const entitlement = await harness.core.entitlements.get(userId);
    expect(page.body).toContain(entitlement.explanation.replaceAll('’', '’'));
    expect(page.body).toContain('$49.00');
    expect(page.body).toContain(discordId);
    expect(page.body).toContain(telegramId);
    const [payment] = await harness.core.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(figures[`refunded:${payment!.id}`]).toBe('0');
  });

  it('grant from the page: the entitlement shows the plan, the audit names the signed-in admin, and revoke ends it', async () => {
    const { userId } = await member('Granted Member');
    const page = await memberPage(userId);
    const granted = await admin.post(formAction(page.body, /\/admin\/members\/[0-9a-f-]+\/grants(?=")/), {
      plan_id: 'pro',
      days: '14',
      reason: 'conference speaker',
    });
    expect(granted.statusCode, granted.body).toBe(303);
    expect(granted.headers.location).toBe(`/admin/members/${userId}?done=granted`);
    const after = await admin.get(granted.headers.location!);
    expect(figuresOf(after.body)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(after.body).toContain('Granted. Access follows within seconds.');
    expect((await harness.core.entitlements.get(userId)).tier).toBe('pro');
    const [audit] = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, userId), eq(auditLog.actor, actor)))
      .orderBy(desc(auditLog.id));
    expect(audit, 'the grant is audited as the signed-in admin').toBeDefined();

    const revoked = await admin.post(
      formAction(after.body, /\/admin\/members\/[0-9a-f-]+\/grants\/[0-9a-f-]+\/revoke/),
    );
    expect(revoked.headers.location).toBe(`/admin/members/${userId}?done=grant_revoked`);
    expect((await harness.core.entitlements.get(userId)).tier).toBe('free');
  });

  it('a refused action is a page with its 4xx and stable code, never JSON', async () => {
    const { userId } = await member('Refused Member');
    await memberPage(userId);
    const unknownPlan = await admin.post(`/admin/members/${userId}/grants`, { plan_id: 'no-such-plan', days: '5' });
    expect(unknownPlan.statusCode).toBe(404);
    expect(unknownPlan.headers['content-type']).toContain('text/html');
    expect(figuresOf(unknownPlan.body)['error-code']).toBe('plan_not_found');
    const badDays = await admin.post(`/admin/members/${userId}/grants`, { plan_id: 'pro', days: 'many' });
    expect(badDays.statusCode).toBe(400);
    expect(figuresOf(badDays.body)['error-code']).toBe('invalid_request');
    // Another member's grant, through this member's page: refused, and it stands.
    const someoneElse = await member('Someone Else');
    const theirGrant = await harness.core.grants.grant(
      { userId: someoneElse.userId, planId: 'pro', days: 7, expiresAt: null, reason: 'test' },
      'test',
    );
    const otherGrant = await admin.post(`/admin/members/${userId}/grants/${theirGrant.id}/revoke`);
    expect(otherGrant.statusCode).toBe(404);
    expect(figuresOf(otherGrant.body)['error-code']).toBe('grant_not_found');
    expect((await harness.core.entitlements.get(someoneElse.userId)).tier).toBe('pro');
    const noMember = await admin.get('/admin/members/00000000-0000-4000-8000-000000000000');
    expect(noMember.statusCode).toBe(404);
    expect(figuresOf(noMember.body)['error-code']).toBe('member_not_found');
  });

  it('freeze from the page: the state is frozen and access goes; lifting brings both back', async () => {
    const { userId, discordId } = await member('Frozen Member');
    await shop.subscribe(userId, 'pro');
    expect(discord.holds(discordId, proRole)).toBe(true);
    const page = await memberPage(userId);
    const frozen = await admin.post(formAction(page.body, /\/admin\/members\/[0-9a-f-]+\/freezes(?=")/), {
      reason: 'chargeback pattern',
    });
    expect(frozen.headers.location).toBe(`/admin/members/${userId}?done=frozen`);
    await harness.drain();
    const frozenPage = await admin.get(frozen.headers.location!);
    expect(figuresOf(frozenPage.body).status).toBe('frozen');
    expect(discord.holds(discordId, proRole)).toBe(false);
    const [freeze] = await harness.core.freezes.list(userId);
    expect(freeze).toMatchObject({ created_by: actor, reason: 'chargeback pattern' });

    const lifted = await admin.post(
      formAction(frozenPage.body, /\/admin\/members\/[0-9a-f-]+\/freezes\/[0-9a-f-]+\/lift/),
    );
    expect(lifted.headers.location).toBe(`/admin/members/${userId}?done=freeze_lifted`);
    await harness.drain();
    expect(figuresOf((await admin.get(lifted.headers.location!)).body)).toMatchObject({
      tier: 'pro',
      status: 'active',
    });
    expect(discord.holds(discordId, proRole)).toBe(true);
  });

  it('refund a sandbox payment from the page: the purchase is refunded and access removed once the webhook is processed', async () => {
    const { userId, discordId } = await member('Refunded Member');
    await shop.subscribe(userId, 'pro');
    const page = await memberPage(userId);
    const action = formAction(page.body, /\/admin\/members\/[0-9a-f-]+\/payments\/[0-9a-f-]+\/refund/);
    const badAmount = await admin.post(action, { amount: '12.345' });
    expect(badAmount.statusCode).toBe(400);
    expect(figuresOf(badAmount.body)['error-code']).toBe('refund_amount_invalid');
    const tooMuch = await admin.post(action, { amount: '50' });
    expect(tooMuch.statusCode).toBe(400);
    expect(figuresOf(tooMuch.body)['error-code']).toBe('refund_amount_invalid');

    const partial = await admin.post(action, { amount: '10.00', reason: 'late signal' });
    expect(partial.headers.location).toBe(`/admin/members/${userId}?done=refund_requested`);
    await harness.drain();
    const [partly] = await harness.core.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(partly!.amountRefundedMinor).toBe(1000);
    const refunded = await admin.post(action, { amount: '', reason: 'asked nicely' });
    expect(refunded.statusCode, refunded.body).toBe(303);
    expect(refunded.headers.location).toBe(`/admin/members/${userId}?done=refund_requested`);
    await harness.drain();
    const [purchase] = await harness.core.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(purchase!.amountRefundedMinor).toBe(4900);
    const after = await admin.get(refunded.headers.location!);
    expect(figuresOf(after.body)).toMatchObject({ tier: 'free', [`refunded:${purchase!.id}`]: '4900' });
    expect(discord.holds(discordId, proRole)).toBe(false);
    const [audit] = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'payment.refund_requested'), eq(auditLog.subjectId, purchase!.id)));
    expect(audit?.actor).toBe(actor);
  });

  it('re-sync from the page puts back a role removed by hand and says how many changes it made', async () => {
    const { userId, discordId } = await member('Drifted Member');
    await shop.subscribe(userId, 'pro');
    discord.setHeld(discordId, proRole, false);
    const page = await memberPage(userId);
    const synced = await admin.post(formAction(page.body, /\/admin\/members\/[0-9a-f-]+\/access\/sync/));
    expect(synced.headers.location).toBe(`/admin/members/${userId}?done=resynced&changes=1`);
    expect(discord.holds(discordId, proRole)).toBe(true);
    const again = await admin.post(`/admin/members/${userId}/access/sync`);
    expect(again.headers.location).toBe(`/admin/members/${userId}?done=resynced&changes=0`);
    expect((await admin.get(again.headers.location!)).body).toContain('0 changes.');
    const audits = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'access.resynced'), eq(auditLog.subjectId, userId)))
      .orderBy(auditLog.id);
    expect(audits.map((audit) => [audit.actor, audit.details])).toEqual([
      [actor, { changes: 1, failures: 0 }],
      [actor, { changes: 0, failures: 0 }],
    ]);
  });

  it('publishing a valid signal from the form puts it in the track record and the chain verifies', async () => {
    const page = await admin.get('/admin/track-record');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(page.body)![1]!;
    const fields = {
      instrument: 'btcusdt',
      side: 'long',
      entry: '64250.5',
      stop: '63000',
      targets: '65000, 66000',
      note: 'breakout',
      idempotency_key: key,
    };
    const published = await admin.post('/admin/track-record', fields);
    expect(published.statusCode, published.body).toBe(303);
    // The same form sent twice publishes once.
    const resent = await admin.post('/admin/track-record', fields);
    expect(resent.headers.location).toBe(published.headers.location);
    const record = await admin.get(published.headers.location!);
    expect(record.body).toContain('BTCUSDT');
    expect(record.body).toContain('65000, 66000');
    const chain = await harness.core.signals.verifyChain();
    expect(chain).toMatchObject({ ok: true, count: 1 });
    expect(figuresOf(record.body).chain).toBe('verified');
    expect(record.body).toContain('Chain verified: 1 signal,');
  });

  it('an invalid signal is a 400 page with its code and the form as typed; nothing is published', async () => {
    const before = (await harness.core.signals.verifyChain()).count;
    await admin.get('/admin/track-record');
    const wrongStop = await admin.post('/admin/track-record', {
      instrument: 'ETHUSDT',
      side: 'long',
      entry: '3000',
      stop: '3100',
      targets: '3200',
      idempotency_key: 'web:invalid-stop-1',
    });
    expect(wrongStop.statusCode).toBe(400);
    expect(wrongStop.headers['content-type']).toContain('text/html');
    expect(figuresOf(wrongStop.body)['error-code']).toBe('signal_stop_wrong_side');
    expect(wrongStop.body).toContain('value="3100"');
    const noTargets = await admin.post('/admin/track-record', {
      instrument: 'ETHUSDT',
      side: 'long',
      entry: '3000',
      stop: '2900',
      targets: '',
      idempotency_key: 'web:invalid-targets-1',
    });
    expect(noTargets.statusCode).toBe(400);
    expect(figuresOf(noTargets.body)['error-code']).toBe('invalid_signal');
    expect((await harness.core.signals.verifyChain()).count).toBe(before);
  });

  it('the track record names the signal that breaks the chain', async () => {
    await admin.get('/admin/track-record');
    await admin.post('/admin/track-record', {
      instrument: 'SOLUSDT',
      side: 'short',
      entry: '150',
      stop: '160',
      targets: '140',
      idempotency_key: 'web:tamper-1',
    });
    const { count } = await harness.core.signals.verifyChain();
    await harness.core.db.update(signals).set({ entry: '149' }).where(eq(signals.sequence, count));
    const record = await admin.get('/admin/track-record');
    expect(figuresOf(record.body).chain).toBe('broken');
    expect(record.body).toContain(`Chain broken at signal #${count}`);
    await harness.core.db.update(signals).set({ entry: '150' }).where(eq(signals.sequence, count));
  });

  it('the webhook inbox lists each status’s events with their last error; dead letters keep their replay button', async () => {
    // The purchases above went through the inbox: take the latest of their events.
    const [event] = await harness.core.db.select().from(paymentEvents).orderBy(desc(paymentEvents.receivedAt)).limit(1);
    await harness.core.db
      .update(paymentEvents)
      .set({ status: 'failed', attempts: 3, lastError: 'simulated: provider timed out' })
      .where(eq(paymentEvents.id, event!.id));
    const inbox = await admin.get('/admin/inbox');
    expect(inbox.body).toContain('href="/admin/inbox?status=failed"');
    const failed = await admin.get('/admin/inbox?status=failed');
    expect(failed.statusCode).toBe(200);
    expect(failed.body).toContain('Status: failed');
    expect(failed.body).toContain('simulated: provider timed out');
    expect(Number(figuresOf(failed.body).listed)).toBeGreaterThanOrEqual(1);
    const processed = await admin.get('/admin/inbox?status=processed');
    expect(processed.body).not.toContain('simulated: provider timed out');

    await harness.core.db.update(paymentEvents).set({ status: 'dead' }).where(eq(paymentEvents.id, event!.id));
    const dead = await admin.get('/admin/inbox?status=dead');
    expect(dead.body).toContain(`action="/admin/inbox/${event!.id}/replay"`);
  });
});
