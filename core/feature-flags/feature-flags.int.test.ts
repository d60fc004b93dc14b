import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandActor } from '../../bots/command-types.js';
import { createCommandRouter } from '../../bots/commands.js';
import { findCheckoutLink } from '../../bots/testing/pay-checkout-link.js';
import { auditLog } from '../../db/schema/index.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';

describe('the billing pages feature flag', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const put = (payload: Record<string, unknown>, headers: Record<string, string> = adminHeaders) =>
    harness.app.inject({ method: 'PUT', url: '/admin/feature-flags/billing_pages', headers, payload });

  it('is off until a moderator turns it on: nobody sees the member billing pages', async () => {
    const member = (await harness.createUser({ email: 'flag-off@example.com' })).id;
    expect(await harness.core.featureFlags.billingPagesEnabledFor(member)).toBe(false);
    expect(await harness.core.featureFlags.billingPagesEnabledFor(undefined)).toBe(false);
    const listed = await harness.app.inject({ method: 'GET', url: '/admin/feature-flags', headers: adminHeaders });
    expect(listed.json()).toMatchObject({ flags: [{ key: 'billing_pages', mode: 'off', updated_by: null }] });
  });

  it('an allow-list lets in exactly the listed members, and the change is audited with who made it', async () => {
    const listed = (await harness.createUser({ email: 'flag-listed@example.com' })).id;
    const other = (await harness.createUser({ email: 'flag-other@example.com' })).id;
    const response = await put({ mode: 'allow_list', allow_list: [listed] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ mode: 'allow_list', allow_list: [listed], updated_by: 'admin:api-key' });
    expect(await harness.core.featureFlags.billingPagesEnabledFor(listed)).toBe(true);
    expect(await harness.core.featureFlags.billingPagesEnabledFor(other)).toBe(false);

    const audits = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'feature_flag.changed'), eq(auditLog.subjectId, 'billing_pages')));
    expect(audits.at(-1)).toMatchObject({
      actor: 'admin:api-key',
      details: { from: { mode: 'off' }, to: { mode: 'allow_list', allow_list: [listed] } },
    });
  });

  it('on lets everyone in, anonymous visitors too; off again closes it at once', async () => {
    expect((await put({ mode: 'on' })).statusCode).toBe(200);
    expect(await harness.core.featureFlags.billingPagesEnabledFor(undefined)).toBe(true);
    expect((await put({ mode: 'off' })).statusCode).toBe(200);
    expect(await harness.core.featureFlags.billingPagesEnabledFor(undefined)).toBe(false);
  });

  it('refuses an out-of-range percentage, a non-id in the allow-list, an unknown flag and a missing admin key', async () => {
    expect((await put({ mode: 'percentage', percentage: 101 })).statusCode).toBe(400);
    expect((await put({ mode: 'allow_list', allow_list: ['someone'] })).statusCode).toBe(400);
    const unknown = await harness.app.inject({
      method: 'PUT',
      url: '/admin/feature-flags/nope',
      headers: adminHeaders,
      payload: { mode: 'on' },
    });
    expect(unknown.statusCode).toBe(400);
    expect((await put({ mode: 'on' }, {})).statusCode).toBe(401);
    await expect(
      harness.core.featureFlags.set('billing_pages', { mode: 'percentage', allowList: [], percentage: 150 }, 'x'),
    ).rejects.toMatchObject({ code: 'feature_flag_invalid' });
    await expect(
      harness.core.featureFlags.set('nope', { mode: 'on', allowList: [], percentage: 0 }, 'x'),
    ).rejects.toMatchObject({ code: 'feature_flag_not_found' });
  });

  it('the bots keep selling whatever the flag says', async () => {
    expect((await put({ mode: 'off' })).statusCode).toBe(200);
    const router = createCommandRouter(harness.core);
    const member: CommandActor = { platform: 'discord', externalId: '8801', platformModerator: false };
    const tiers = await router.run(member, { name: 'tiers', args: {} });
    expect(tiers.buttons?.length).toBeGreaterThan(0);
    const reply = await router.run(member, { name: 'subscribe', args: { plan: 'pro' } });
    const opened = await harness.app.inject({ method: 'GET', url: new URL(findCheckoutLink(reply.text)).pathname });
    expect(opened.statusCode).toBe(303);
  });
});
