import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import { checkoutSessions, pendingCodes, purchases, subscriptions } from '../db/schema/index.js';

const tokenOf = (url: string) => new URL(url).pathname.replace(/^\/[cm]\//, '');

describe('personal checkout and manage links', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const member = async (externalId: string) =>
    (await harness.createUser({ platform: 'discord', external_id: externalId, username: `member${externalId}` })).id;

  /** Opens a personal link the way a browser would, then pays on the hosted sandbox page. */
  async function openAndPay(linkUrl: string) {
    const opened = await harness.app.inject({ method: 'GET', url: new URL(linkUrl).pathname });
    expect(opened.statusCode).toBe(303);
    const checkoutPath = new URL(String(opened.headers.location)).pathname;
    expect(checkoutPath).toMatch(/^\/sandbox\/checkout\//);
    const page = await harness.app.inject({ method: 'GET', url: checkoutPath });
    expect(page.statusCode).toBe(200);
    const paid = await harness.app.inject({ method: 'POST', url: `${checkoutPath}/pay` });
    expect(paid.statusCode).toBe(200);
    await harness.drain();
  }

  it('a checkout link forwarded to someone else still pays for the member who asked', async () => {
    const asker = await member('2001');
    const stranger = await member('2002');
    const link = await harness.core.links.checkoutLink({ userId: asker, planId: 'pro', method: 'card' });
    expect(link.url).toMatch(/^http:\/\/shop\.test\/c\//);
    expect(link.expiresAt.getTime()).toBe(harness.clock.now().getTime() + 30 * 60_000);

    // The stranger opens and pays; nothing in the request says who they are, and nothing could.
    await openAndPay(link.url);

    expect(await harness.core.entitlements.get(asker)).toMatchObject({ tier: 'pro', status: 'active' });
    expect(await harness.core.entitlements.get(stranger)).toMatchObject({ tier: 'free' });
    const paidFor = await harness.core.db.select({ userId: purchases.userId }).from(purchases);
    expect(paidFor.map((row) => row.userId)).toEqual([asker]);
    const subscribed = await harness.core.db.select({ userId: subscriptions.userId }).from(subscriptions);
    expect(subscribed.map((row) => row.userId)).toEqual([asker]);
  });

  it('a link whose payload was edited to name another member is refused with link_invalid and opens nothing', async () => {
    const asker = await member('2101');
    const thief = await member('2102');
    const link = await harness.core.links.checkoutLink({ userId: asker, planId: 'vip', method: 'card' });
    const [body, signature] = tokenOf(link.url).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, u: thief })).toString('base64url');

    const response = await harness.app.inject({ method: 'GET', url: `/c/${forged}.${signature}` });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('link_invalid');
    const opened = await harness.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, thief));
    expect(opened).toEqual([]);

    const truncated = await harness.app.inject({ method: 'GET', url: `/c/${body}.${signature.slice(0, -2)}` });
    expect(truncated.statusCode).toBe(400);
    const garbage = await harness.app.inject({ method: 'GET', url: '/m/%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.body).not.toContain('<script>');
  });

  it('a link opened after its lifetime is refused with link_expired (410)', async () => {
    const asker = await member('2201');
    const link = await harness.core.links.checkoutLink({ userId: asker, planId: 'core', method: 'card' });
    const manage = await harness.core.links.manageLink(asker);
    harness.clock.advance(30 * 60_000 + 1000);
    const response = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('link_expired');
    const portal = await harness.app.inject({ method: 'GET', url: new URL(manage.url).pathname });
    expect(portal.statusCode).toBe(410);
  });

  it('a checkout link for a plan that cannot be bought is refused when asked for, with the catalog code', async () => {
    const asker = await member('2301');
    const codeOf = async (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (isAppError(error) ? error.code : String(error)),
      );
    expect(await codeOf(harness.core.links.checkoutLink({ userId: asker, planId: 'enterprise', method: 'card' }))).toBe(
      'plan_contact_sales',
    );
    expect(
      await codeOf(
        harness.core.links.checkoutLink({ userId: asker, planId: 'pro', method: 'card', interval: 'one_time' }),
      ),
    ).toBe('price_not_available');
    expect(await codeOf(harness.core.links.checkoutLink({ userId: asker, planId: 'addon_seat', method: 'card' }))).toBe(
      'plan_not_purchasable',
    );
    expect(await codeOf(harness.core.links.checkoutLink({ userId: asker, planId: 'nope', method: 'card' }))).toBe(
      'plan_not_found',
    );
  });

  it('a redeemed referral code reaches the checkout the link opens and is then cleared', async () => {
    const referrer = await member('2401');
    const asker = await member('2402');
    const { code } = await harness.core.referrals.codeFor(referrer);
    await harness.core.referrals.redeem(asker, code.toLowerCase());
    const link = await harness.core.links.checkoutLink({ userId: asker, planId: 'pro', method: 'crypto' });

    const opened = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    expect(opened.statusCode).toBe(303);
    const [session] = await harness.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, asker));
    // Crypto goes to the sandbox while the shop runs in sandbox mode.
    expect(session).toMatchObject({ referralCode: code, provider: 'sandbox', status: 'open' });
    expect(await harness.core.db.select().from(pendingCodes).where(eq(pendingCodes.userId, asker))).toEqual([]);

    // Opening the same link again hands back the same open checkout, code included.
    const again = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    expect(again.headers.location).toBe(opened.headers.location);
  });

  it('a manage link opens the billing portal of the member it names', async () => {
    const asker = await member('2501');
    const link = await harness.core.links.checkoutLink({ userId: asker, planId: 'core', method: 'card' });
    await openAndPay(link.url);
    const manage = await harness.core.links.manageLink(asker);
    expect(manage.url).toMatch(/^http:\/\/shop\.test\/m\//);
    const response = await harness.app.inject({ method: 'GET', url: new URL(manage.url).pathname });
    expect(response.statusCode).toBe(303);
    expect(String(response.headers.location)).toMatch(/^http:\/\/shop\.test\/sandbox\/portal\//);
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
