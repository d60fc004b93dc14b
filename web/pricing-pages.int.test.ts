import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatPlatform } from '../core/testing/fake-chat-platform.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import { checkoutSessions, salesContactRequests } from '../db/schema/index.js';
import { createFormClient, type FormClient } from './testing/form-client.js';

let test: TestApp;
let telegram: ReturnType<typeof createFakeChatPlatform>;

beforeAll(async () => {
  test = await createTestApp({ MODERATOR_IDS: 'telegram:9001', COMMUNITY_URL: 'https://t.me/shop_test_bot' });
  telegram = createFakeChatPlatform({ name: 'telegram' });
  test.core.access.registerPlatform(telegram.platform);
});

afterAll(async () => {
  await test?.close();
});

let nextChatId = 920_000;

/** A member signed in to a fresh browser through the bot's one-time link. */
async function signedInBrowser(): Promise<{ browser: FormClient; userId: string }> {
  nextChatId += 1;
  const externalId = String(nextChatId);
  const { id } = await test.core.users.findOrCreate({ platform: 'telegram', externalId }, 'test');
  const before = telegram.dms.length;
  await test.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { platform: 'telegram', external_id: externalId },
  });
  await test.drain();
  const url = new URL(telegram.dms.slice(before).find((dm) => dm.externalId === externalId)!.message.links![0]!.url);
  const browser = createFormClient(test.app);
  await browser.get(url.pathname + url.search);
  expect((await browser.post(`/login/browser${url.search}`)).statusCode).toBe(303);
  return { browser, userId: id };
}

describe('pricing page', () => {
  it('lists every active tier at / and /pricing with features and quotas compared in one table', async () => {
    const plans = await test.core.catalog.listPlans();
    for (const url of ['/', '/pricing']) {
      const page = await test.app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      for (const plan of plans) expect(page.body, plan.id).toContain(plan.name);
      expect(page.body).toContain('<h2 id="compare">Compare plans</h2>');
      expect(page.body).toContain('Signals per day');
      expect(page.body).toContain('Private channels');
      expect(page.body).toContain('Add-ons');
      expect(page.body).toContain('name="code"');
    }
  });

  it('the monthly/annual switch works without JS: each interval is a link and prices follow it', async () => {
    const monthly = await test.app.inject({ method: 'GET', url: '/pricing' });
    expect(monthly.body).toContain('$49.00 <small>per month</small>');
    expect(monthly.body).toContain('<a href="/pricing?interval=year" data-interval="year">Annual</a>');
    const annual = await test.app.inject({ method: 'GET', url: '/pricing?interval=year' });
    expect(annual.body).toContain('$490.00 <small>per year</small>');
    expect(annual.body).toContain('name="interval" value="year"');
    expect(annual.body).toContain('<script src="/assets/pricing.js?v=');
  });

  it('one buy button per purchasable plan; Enterprise shows a contact form instead', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    for (const plan of ['core', 'pro', 'vip']) expect(page.body).toContain(`name="plan_id" value="${plan}"`);
    expect(page.body).not.toMatch(/<button[^>]*name="plan_id" value="(enterprise|free)"/);
    expect(page.body).toContain('<form method="post" action="/contact-sales">');
  });

  it('says plainly which payment methods exist: card (sandbox here), no crypto without a crypto provider', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/pricing' });
    expect(page.body).toContain('Payment methods: Card (sandbox: no real money moves).');
    expect(page.body).not.toMatch(/crypto/i);
  });

  it('marks the signed-in member’s current plan', async () => {
    const { browser, userId } = await signedInBrowser();
    const free = await browser.get('/pricing');
    expect(free.body).toMatch(/<article class="card plan current" aria-labelledby="plan-free">/);
    await test.core.grants.grant({ userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' }, 'test');
    const pro = await browser.get('/pricing');
    expect(pro.body).toMatch(/<article class="card plan current" aria-labelledby="plan-pro">/);
    expect(pro.body).toContain('<span class="badge">Your plan</span>');
    expect(pro.body).not.toContain('name="plan_id" value="pro"');
  });
});

describe('buying on the web', () => {
  it('a signed-out buyer is sent to sign in first, and comes back to pricing at the chosen interval', async () => {
    const browser = createFormClient(test.app);
    await browser.get('/pricing?interval=year');
    const buy = await browser.post('/checkout', { plan_id: 'pro', interval: 'year' });
    expect(buy.statusCode).toBe(303);
    expect(buy.headers.location).toBe('/sign-in');
    expect(browser.cookies.get('return_to')).toBe('/pricing?interval=year');
  });

  it('a signed-in buyer gets a sandbox checkout from the bots’ checkout service and a 303 to it', async () => {
    const { browser, userId } = await signedInBrowser();
    await browser.get('/pricing');
    const buy = await browser.post('/checkout', { plan_id: 'pro', interval: 'month' });
    expect(buy.statusCode).toBe(303);
    expect(buy.headers.location).toMatch(/^http:\/\/shop\.test\/sandbox\/checkout\/sbx_cs_/);
    const [row] = await test.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, userId));
    expect(row).toMatchObject({ planId: 'pro', status: 'open', provider: 'sandbox' });
  });

  it('add-ons ticked on the pricing page ride along in the same checkout', async () => {
    const { browser, userId } = await signedInBrowser();
    const page = await browser.get('/pricing');
    expect(page.body).toContain('<input type="checkbox" name="addon" value="addon_seat">');
    const body = new URLSearchParams([
      ['_csrf', browser.csrfToken!],
      ['plan_id', 'core'],
      ['interval', 'month'],
      ['addon', 'addon_seat'],
      ['addon', 'addon_backfill'],
    ]);
    const buy = await test.app.inject({
      method: 'POST',
      url: '/checkout',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...browser.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; '),
      },
      payload: body.toString(),
    });
    expect(buy.statusCode, buy.body).toBe(303);
    const [row] = await test.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, userId));
    expect(row!.lineItems.map((line) => line.planId)).toEqual(['core', 'addon_seat', 'addon_backfill']);
  });

  it('a buy form without a plan is answered with a page, not the API’s JSON', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/pricing');
    const buy = await browser.post('/checkout', { interval: 'month' });
    expect(buy.statusCode).toBe(400);
    expect(buy.headers['content-type']).toContain('text/html');
    expect(buy.body).toContain('invalid_request');
  });

  it('a refused checkout (unknown code) is a readable page with its code, not JSON', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/pricing');
    const buy = await browser.post('/checkout', { plan_id: 'pro', interval: 'month', code: 'NOPE123' });
    expect(buy.statusCode).toBe(404);
    expect(buy.headers['content-type']).toContain('text/html');
    expect(buy.body).toContain('code_unknown');
  });

  it('an Enterprise enquiry is stored and reaches the moderators by DM', async () => {
    const browser = createFormClient(test.app);
    await browser.get('/pricing');
    const sent = await browser.post('/contact-sales', {
      plan_id: 'enterprise',
      name: 'Lin',
      email: 'lin@example.com',
      message: 'Forty seats, please',
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Thank you');
    const rows = await test.core.db
      .select()
      .from(salesContactRequests)
      .where(eq(salesContactRequests.email, 'lin@example.com'));
    expect(rows).toHaveLength(1);
    const dm = telegram.dms.find((each) => each.externalId === '9001');
    expect(dm?.message.text).toContain('Forty seats, please');
  });
});

describe('checkout result pages', () => {
  it('the checkout service sends members back to /checkout/success and /checkout/canceled', async () => {
    const { userId } = await signedInBrowser();
    const checkout = await test.core.checkout.createCheckout({ userId, planId: 'core', interval: 'month' });
    const stored = await test.core.sandbox!.getCheckout(new URL(checkout.url).pathname.split('/').pop()!);
    expect(stored.successUrl).toBe('http://shop.test/checkout/success');
    expect(stored.cancelUrl).toBe('http://shop.test/checkout/canceled');
    for (const returned of [stored.successUrl, stored.cancelUrl]) {
      const page = await test.app.inject({ method: 'GET', url: new URL(returned).pathname });
      expect(page.statusCode, returned).toBe(200);
    }
  });

  it('/checkout/success says access arrives within seconds and links back to the chat', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/checkout/success' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('within seconds');
    expect(page.body).toContain('href="https://t.me/shop_test_bot"');
  });

  it('/checkout/canceled says nothing was charged and leads back to pricing', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/checkout/canceled' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Nothing was charged');
    expect(page.body).toContain('href="/pricing"');
  });
});
