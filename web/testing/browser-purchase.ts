import type { Page } from 'playwright-core';
import type { BrowserHarness } from './browser-harness.js';

/**
 * A signed-in member buys Pro as a person does: the pricing page's buy button, the sandbox's
 * hosted checkout, Pay. Waits until the sandbox's webhook has been applied.
 */
export async function buyProOnPricingPage(harness: BrowserHarness, page: Page) {
  await page.goto('/pricing');
  await page.getByRole('button', { name: /^Buy Pro\b/ }).click();
  await page.waitForURL(/\/sandbox\/checkout\/sbx_cs_/);
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.waitForLoadState();
  await harness.test.drain();
}

/** The plan the billing page names (the <dd> after "Plan"). */
export async function planOnBillingPage(page: Page) {
  await page.goto('/account/billing');
  return (await page.locator('dt:text-is("Plan") + dd').textContent())?.trim();
}
