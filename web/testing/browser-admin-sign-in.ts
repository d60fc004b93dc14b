import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { testAdminKey } from '../../core/testing/test-core.js';
import type { BrowserHarness } from './browser-harness.js';

/** Recovery codes handed out at enrolment, per app: later sign-ins spend one instead of waiting for a fresh TOTP step. */
const recoveryCodes = new WeakMap<BrowserHarness, string[]>();

/** The six-digit code an authenticator app shows for `secret` at the app's current time. */
export function totpCode(harness: BrowserHarness, secret: string): string {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({
    timestamp: harness.test.clock.now().getTime(),
  });
}

/** The first step of the admin sign-in: the admin key. Ends on the second-factor page (enrolment the first time). */
export async function submitAdminKey(page: Page) {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Admin key').fill(testAdminKey);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/admin/two-factor');
}

/**
 * Signs the page's browser in to the admin pages the way the owner does: the admin key, then
 * the second factor. The first time it enrols, reading the secret off the page as a person
 * types it into their app, and keeps the recovery codes; later times spend one of those.
 * Ends on the dashboard.
 */
export async function signInAsAdmin(harness: BrowserHarness, page: Page) {
  await submitAdminKey(page);
  const enrolling = (await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).count()) > 0;
  if (enrolling) {
    const secret = (await page.locator('p:has-text("enter the secret by hand") code').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.getByLabel('Six-digit code').fill(totpCode(harness, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    recoveryCodes.set(harness, await page.locator('.recovery-codes code').allTextContents());
    await page.getByRole('link', { name: 'Go to the dashboard' }).click();
  } else {
    const code = recoveryCodes.get(harness)?.shift();
    expect(code, 'a recovery code kept from enrolment').toBeDefined();
    await page.getByLabel('Code', { exact: true }).fill(code!);
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL('**/admin/dashboard**');
}
