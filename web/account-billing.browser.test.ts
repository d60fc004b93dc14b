import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatDate } from '../core/formatting.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { buyProOnPricingPage } from './testing/browser-purchase.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

describeInBrowser('a member manages their subscription on the billing page', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(async () => harness?.close());

  it('a member who bought Pro through the sandbox cancels at period end (access continues until the date) and resumes (active again)', async () => {
    const page = await harness.openPage();
    const member = await signInWithBotLink(harness, page);
    await harness.test.core.featureFlags.set(
      'billing_pages',
      { mode: 'allow_list', allowList: [member.userId], percentage: 0 },
      'test',
    );
    await buyProOnPricingPage(harness, page);
    await page.getByRole('link', { name: 'Back to the shop' }).click();
    await page.waitForURL((url) => url.pathname === '/checkout/success');

    await page.goto('/account/billing');
    expect((await page.locator('dt:text-is("Plan") + dd').textContent())?.trim()).toBe('Pro');
    const subscription = await harness.test.core.subscriptions.currentSubscription(member.userId);
    const periodEnd = formatDate(subscription!.currentPeriodEnd);
    const state = page.locator('dd[data-billing-state]');
    expect(await state.textContent()).toBe(`Pro is active and renews on ${periodEnd}.`);

    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.getByRole('status').filter({ hasText: 'set to cancel' }).waitFor();
    expect(await state.textContent()).toBe(`Your Pro subscription is canceled and stays active until ${periodEnd}.`);

    await page.getByRole('button', { name: 'Resume subscription' }).click();
    await page.getByRole('status').filter({ hasText: 'renews again' }).waitFor();
    expect(await state.textContent()).toBe(`Pro is active and renews on ${periodEnd}.`);
    expect(harness.outsideRequests).toEqual([]);
  });
});
