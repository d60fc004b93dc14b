import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { planOnBillingPage } from './testing/browser-purchase.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

const adminPages = ['/admin', '/admin/dashboard', '/admin/inbox', '/admin/rollout'];

describeInBrowser('who may open which page', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(async () => harness?.close());

  it('a signed-in member opening any admin page is sent to the admin sign-in and never sees it', async () => {
    const page = await harness.openPage();
    await signInWithBotLink(harness, page);
    for (const path of adminPages) {
      await page.goto(path);
      expect(new URL(page.url()).pathname, path).toBe('/admin/sign-in');
      expect(await page.getByRole('heading', { name: 'Admin sign-in' }).count(), path).toBe(1);
    }
  });

  it('each member’s billing page shows their own plan, with another member signed in beside them', async () => {
    const proPage = await harness.openPage();
    const proMember = await signInWithBotLink(harness, proPage);
    await harness.test.core.grants.grant(
      { userId: proMember.userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
      'test',
    );
    const freePage = await harness.openPage();
    await signInWithBotLink(harness, freePage);
    expect(await planOnBillingPage(proPage)).toBe('Pro');
    expect(await planOnBillingPage(freePage)).toBe('Free');
  });

  it('a signed-out visitor opening the billing page is sent to sign in', async () => {
    const page = await harness.openPage();
    await page.goto('/account/billing');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
