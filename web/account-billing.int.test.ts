import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from '../core/formatting.js';
import { sandboxShop } from '../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { signedInMemberBrowser } from './testing/member-browser.js';

/**
 * The member's billing page over HTTP with the real sandbox provider: what it shows comes from
 * our own tables, its forms act on the signed-in member's subscription only, and a plan switch
 * is previewed to the minor unit before it is made.
 */

let test: TestApp;
const shop = sandboxShop(() => test);

beforeAll(async () => {
  test = await createTestApp();
});

afterAll(async () => {
  await test?.close();
});

let nextExternalId = 930_000;
async function member() {
  nextExternalId += 1;
  const externalId = String(nextExternalId);
  const { id } = await test.core.users.findOrCreate(
    { platform: 'telegram', externalId, username: `member_${externalId}` },
    'test',
  );
  return id;
}

const state = (body: string) => /<dd data-billing-state>([^<]*)<\/dd>/.exec(body)?.[1];

describe('billing page rollout', () => {
  it('outside the rollout the billing page is the plan summary pointing to /manage; an allow-list naming the member opens the full page', async () => {
    const userId = await member();
    await test.core.featureFlags.set('billing_pages', { mode: 'off', allowList: [], percentage: 0 }, 'test');
    const { browser, page } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    expect(page.body).toContain('Your plan');
    expect(page.body).toContain('data-billing-coming');
    expect(page.body).toContain('/manage');
    expect(page.body).not.toContain('Invoices and receipts');

    await test.core.featureFlags.set(
      'billing_pages',
      { mode: 'allow_list', allowList: [userId], percentage: 0 },
      'test',
    );
    const full = await browser.get('/account/billing');
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain('Invoices and receipts');
    expect(full.body).toContain('aria-label="Account"');
    expect(full.body).not.toContain('data-billing-coming');
    // The forms are member pages too: outside the rollout they refuse with the rollout's code.
    await test.core.featureFlags.set('billing_pages', { mode: 'off', allowList: [], percentage: 0 }, 'test');
    const refused = await browser.post('/account/billing/cancel');
    expect(refused.body).toContain('member_pages_not_open');
  });
});

describe('billing page', () => {
  beforeAll(async () => {
    await test.openMemberPages();
  });

  it('shows the plan, the /why sentence, the next billing date and amount, and the ledger’s invoices with amounts; a refunded invoice is marked refunded', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const periodEnd = await shop.periodEnd(userId);
    const { browser, page } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    expect(page.body).toContain('<dd>Pro</dd>');
    expect(state(page.body)).toBe((await test.core.entitlements.get(userId)).explanation);
    expect(state(page.body)).toBe(`Pro is active and renews on ${formatDate(periodEnd)}.`);
    expect(page.body).toContain(`${formatDate(periodEnd)}: ${formatMoney(4900, 'usd')}`);
    expect(page.body).toContain('Sandbox test payments');
    expect(page.body).toMatch(/<tr data-invoice-state="paid">[\s\S]*?\$49\.00[\s\S]*?Paid/);
    expect(page.body).toContain('Telegram: member_');
    expect(page.body).toContain('http://shop.test/r/');
    expect(page.body).toContain('Sign out everywhere');

    await shop.refundLatest(userId);
    const after = await browser.get('/account/billing');
    expect(after.body).toMatch(/<tr data-invoice-state="refunded">[\s\S]*?\$49\.00[\s\S]*?Refunded/);
    expect(after.body).not.toContain('data-invoice-state="paid"');
  });

  it('the next billing amount is the plan price plus the add-ons, and the add-ons are listed', async () => {
    const userId = await member();
    const checkout = await test.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout-session',
      headers: adminHeaders,
      payload: { user_id: userId, plan_id: 'pro', addons: [{ plan_id: 'addon_seat', quantity: 2 }] },
    });
    expect(checkout.statusCode, checkout.body).toBe(200);
    const paid = await test.app.inject({
      method: 'POST',
      url: `${new URL(checkout.json<{ url: string }>().url).pathname}/pay`,
    });
    expect(paid.statusCode).toBe(200);
    await test.drain();
    const price = async (planId: string) =>
      (await test.core.catalog.getPlan(planId)).prices.find((each) => each.active && each.interval === 'month')!
        .amountMinor;
    const total = (await price('pro')) + 2 * (await price('addon_seat'));
    const periodEnd = await shop.periodEnd(userId);
    const { page } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    expect(page.body).toContain(`${formatDate(periodEnd)}: ${formatMoney(total, 'usd')}`);
    const seatName = (await test.core.catalog.getPlan('addon_seat')).name;
    expect(page.body).toContain(`<li>${seatName} × 2</li>`);
    expect(page.body).toContain('href="/pricing#add-ons"');
  });

  it('cancel at period end then resume changes the state sentence each time', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const periodEnd = formatDate(await shop.periodEnd(userId));
    const { browser } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');

    const canceled = await browser.post('/account/billing/cancel');
    expect(canceled.statusCode, canceled.body).toBe(303);
    expect(canceled.headers.location).toBe('/account/billing?done=canceled');
    const canceling = await browser.get('/account/billing?done=canceled');
    expect(state(canceling.body)).toBe(`Your Pro subscription is canceled and stays active until ${periodEnd}.`);
    expect(canceling.body).toContain(`None: the subscription ends on ${periodEnd}`);
    expect(canceling.body).toContain('action="/account/billing/resume"');

    const resumed = await browser.post('/account/billing/resume');
    expect(resumed.statusCode, resumed.body).toBe(303);
    const active = await browser.get('/account/billing?done=resumed');
    expect(state(active.body)).toBe(`Pro is active and renews on ${periodEnd}.`);
    expect(active.body).toContain('action="/account/billing/cancel"');

    // Resuming what is not canceling is core's refusal, on a page with its code.
    const again = await browser.post('/account/billing/resume');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('subscription_not_canceling');
  });

  it('previews a switch to VIP to the minor unit (the remaining fraction of the period), and the confirmed change records exactly that', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const subscription = await shop.subscriptionOf(userId);
    const start = Number(subscription.data.current_period_start);
    const end = Number(subscription.data.current_period_end);
    // Eleven days and a few odd seconds in: the fraction is not a round number.
    test.clock.advance(11 * 86_400_000 + 7_777_000);
    const now = Math.floor(test.clock.now().getTime() / 1000);
    const monthly = async (planId: string) =>
      (await test.core.catalog.getPlan(planId)).prices.find((price) => price.active && price.interval === 'month')!
        .amountMinor;
    const [pro, vip] = [await monthly('pro'), await monthly('vip')];
    const expected = Math.round(((vip - pro) * (end - now)) / (end - start));

    const { browser, page } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    expect(page.body).toContain('Upgrade to VIP');
    const preview = await browser.post('/account/billing/change-plan/preview', { plan_id: 'vip' });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.body).toContain(`<dd data-preview-proration>${formatMoney(expected, 'usd')}</dd>`);
    expect(preview.body).toContain(`<dd data-preview-next-invoice>${formatMoney(vip + expected, 'usd')}</dd>`);
    expect(preview.body).toContain(`${formatMoney(vip, 'usd')} per month`);
    expect(preview.body).toContain(`next invoice on ${formatDate(new Date(end * 1000))}`);
    // Previewing changes nothing.
    expect((await shop.subscriptionOf(userId)).data.pending_proration_minor).toBe(0);

    const changed = await browser.post('/account/billing/change-plan', { plan_id: 'vip' });
    expect(changed.statusCode, changed.body).toBe(303);
    await test.drain();
    expect((await shop.subscriptionOf(userId)).data.pending_proration_minor).toBe(expected);
    const after = await browser.get('/account/billing?done=changed');
    expect(after.body).toContain('<dd>VIP</dd>');
    expect(after.body).toContain('Your plan is changed.');
  });

  it('refuses to preview the plan the member already has, on a page with the stable code', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const { browser } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    const same = await browser.post('/account/billing/change-plan/preview', { plan_id: 'pro' });
    expect(same.statusCode).toBe(409);
    expect(same.body).toContain('plan_unchanged');
    const missing = await browser.post('/account/billing/change-plan/preview', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('invalid_request');
  });

  it('a member without a subscription gets buy buttons to /pricing, and cancel refuses with a code', async () => {
    const userId = await member();
    const { browser, page } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    expect(page.body).toContain('href="/pricing"');
    expect(page.body).not.toContain('action="/account/billing/cancel"');
    expect(page.body).toContain('No payments yet.');
    const cancel = await browser.post('/account/billing/cancel');
    expect(cancel.statusCode).toBe(404);
    expect(cancel.body).toContain('subscription_not_found');
  });

  it('forms carry no ids and act only on the signed-in member’s subscription, whatever the form adds', async () => {
    const owner = await member();
    const intruder = await member();
    await shop.subscribe(owner, 'pro');
    await shop.subscribe(intruder, 'pro');
    const { browser, page } = await signedInMemberBrowser(test.app, test.core, intruder, '/account/billing');
    const fieldNames = [...page.body.matchAll(/<input[^>]*name="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(fieldNames)).toEqual(new Set(['_csrf', 'plan_id']));
    expect(page.body).not.toContain(owner);

    const canceled = await browser.post('/account/billing/cancel', { user_id: owner, userId: owner });
    expect(canceled.statusCode).toBe(303);
    expect((await shop.subscriptionOf(owner)).data.cancel_at_period_end).toBe(false);
    expect((await shop.subscriptionOf(intruder)).data.cancel_at_period_end).toBe(true);
  });

  it('every billing form without its CSRF token is refused with 403 and changes nothing', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const { browser } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    for (const path of [
      '/account/billing/cancel',
      '/account/billing/resume',
      '/account/billing/portal',
      '/account/billing/change-plan/preview',
      '/account/billing/change-plan',
    ]) {
      const refused = await browser.post(path, { plan_id: 'vip' }, { withToken: false });
      expect(refused.statusCode, path).toBe(403);
      expect(refused.body).toContain('csrf_token_invalid');
    }
    const subscription = await shop.subscriptionOf(userId);
    expect(subscription.data.cancel_at_period_end).toBe(false);
    expect(subscription.data.pending_proration_minor).toBe(0);
  });

  it('the portal button redirects (303) to the provider’s portal for the member’s own customer', async () => {
    const userId = await member();
    await shop.subscribe(userId, 'pro');
    const { browser } = await signedInMemberBrowser(test.app, test.core, userId, '/account/billing');
    const portal = await browser.post('/account/billing/portal');
    expect(portal.statusCode).toBe(303);
    expect(portal.headers.location).toBe(
      `http://shop.test/sandbox/portal/${(await shop.subscriptionOf(userId)).data.customer}`,
    );
  });
});
