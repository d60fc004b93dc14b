import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInAsAdmin } from './testing/browser-admin-sign-in.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { buyProOnPricingPage } from './testing/browser-purchase.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

/** The raw value a page cell carries for `figure` (0 when the page has no such cell). */
const figureOn = async (page: Page, figure: string) =>
  Number((await page.locator(`[data-figure="${figure}"]`).first().getAttribute('data-value')) ?? 0);

describeInBrowser('the owner changes a price in a browser', () => {
  let harness: BrowserHarness;
  let admin: Page;
  beforeAll(async () => {
    harness = await startBrowserHarness();
    admin = await harness.openPage();
    await signInAsAdmin(harness, admin);
  });
  afterAll(async () => harness?.close());

  it('an admin changes the Pro monthly price, the pricing page shows it, a member buys at it and the dashboard funnel counts the web purchase', async () => {
    const paidBefore = await figureOn(admin, 'funnel:web:paid');

    await admin.goto('/admin/catalog');
    await admin.getByRole('link', { name: 'Pro', exact: true }).click();
    await admin.waitForURL('**/admin/catalog/pro');
    await admin.getByLabel('Interval').selectOption('month');
    await admin.getByLabel('New amount').fill('59.00');
    await admin.getByRole('button', { name: 'Save new price' }).click();
    await admin.getByRole('status').filter({ hasText: 'New price version saved' }).waitFor();
    expect(await figureOn(admin, 'subscribers:pro_month_usd_v2')).toBe(0);

    const member = await harness.openPage();
    await signInWithBotLink(harness, member);
    await member.goto('/pricing');
    await member.locator('.price').filter({ hasText: '$59.00' }).first().waitFor();
    await buyProOnPricingPage(harness, member);

    await admin.goto('/admin/catalog/pro');
    expect(await figureOn(admin, 'subscribers:pro_month_usd_v2')).toBe(1);
    expect(await figureOn(admin, 'subscribers:pro_month_usd_v1')).toBe(0);
    await admin.goto('/admin/dashboard');
    expect(await figureOn(admin, 'funnel:web:paid')).toBe(paidBefore + 1);
    expect(harness.outsideRequests).toEqual([]);
  });
});
