import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserHarness } from './browser-harness.js';
import { buyProOnPricingPage } from './browser-purchase.js';
import { signInWithBotLink } from './browser-sign-in.js';

/**
 * Signs a new member in, names them in the billing pages' allow-list (so only they get the full
 * page), buys Pro through the sandbox and opens /account/billing.
 */
export async function openFullBillingPageAfterBuyingPro(page: Page, harness: BrowserHarness) {
  const member = await signInWithBotLink(harness, page);
  await harness.test.core.featureFlags.set(
    'billing_pages',
    { mode: 'allow_list', allowList: [member.userId], percentage: 0 },
    'test',
  );
  await buyProOnPricingPage(harness, page);
  const response = await page.goto('/account/billing');
  expect(response?.status()).toBe(200);
  await page.getByRole('heading', { name: 'Invoices and receipts' }).waitFor();
  return member;
}
