import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminHeaders } from '../core/testing/test-core.js';
import { checkoutSessions } from '../db/schema/index.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

describeInBrowser('locked features lead to checkout', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
    await harness.test.openMemberPages();
  });
  afterAll(async () => harness?.close());

  it('a Free member sees a locked card for a fresh signal, without its content, and its upgrade button opens the checkout of the cheapest real-time plan', async () => {
    const published = await harness.test.app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: adminHeaders,
      payload: {
        instrument: 'LOCKEDUSDT',
        side: 'short',
        entry: '777.77',
        stop: '800.01',
        targets: ['700.02'],
        idempotency_key: 'locked-features-browser',
      },
    });
    expect(published.statusCode, published.body).toBe(201);

    const page = await harness.openPage();
    const member = await signInWithBotLink(harness, page);
    await page.goto('/signals');
    const card = page.getByRole('listitem', { name: 'Signal not yet shown on your plan' });
    await card.getByText(/A signal was published (less than a minute|\d+ minutes?) ago\./).waitFor();
    const text = await page.locator('main').innerText();
    for (const secret of ['LOCKEDUSDT', '777.77', '800.01', '700.02']) expect(text).not.toContain(secret);

    await card.getByRole('button', { name: 'Upgrade to Core: $9.00 per month' }).click();
    await page.waitForURL(/\/sandbox\/checkout\/sbx_cs_/);
    await page.getByRole('button', { name: 'Pay' }).waitFor();
    expect(await page.locator('main li').first().innerText()).toContain('Core');
    const [checkout] = await harness.test.core.db
      .select()
      .from(checkoutSessions)
      .where(eq(checkoutSessions.userId, member.userId));
    expect(checkout).toMatchObject({ planId: 'core', status: 'open', provider: 'sandbox' });
    expect(harness.outsideRequests).toEqual([]);
  });

  it('a Free member on the locked autotrade page is offered Pro, and the button opens the Pro checkout', async () => {
    const page = await harness.openPage();
    const member = await signInWithBotLink(harness, page);
    await page.goto('/account/autotrade');
    await page.getByText('Locked', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Upgrade to Pro: $49.00 per month' }).click();
    await page.waitForURL(/\/sandbox\/checkout\/sbx_cs_/);
    expect(await page.locator('main li').first().innerText()).toContain('Pro');
    const [checkout] = await harness.test.core.db
      .select()
      .from(checkoutSessions)
      .where(eq(checkoutSessions.userId, member.userId));
    expect(checkout).toMatchObject({ planId: 'pro', status: 'open', provider: 'sandbox' });
  });
});
