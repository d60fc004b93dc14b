import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkoutSessions } from '../db/schema/index.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { buyProOnPricingPage, planOnBillingPage } from './testing/browser-purchase.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

describeInBrowser('a member buys Pro in the browser', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(async () => harness?.close());

  it('a member signed in with a bot link buys Pro on the pricing page through the sandbox and the billing page shows Pro', async () => {
    const page = await harness.openPage();
    await signInWithBotLink(harness, page);
    expect(await planOnBillingPage(page)).toBe('Free');

    await buyProOnPricingPage(harness, page);
    expect(await planOnBillingPage(page)).toBe('Pro');
    expect(harness.outsideRequests).toEqual([]);
  });

  it('a buy form sent without its CSRF token is refused and starts no checkout', async () => {
    const page = await harness.openPage();
    const member = await signInWithBotLink(harness, page);
    await page.goto('/pricing');
    await page.locator('#buy-form input[name="_csrf"]').evaluate((field) => (field as unknown as Removable).remove());
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/checkout'),
      page.getByRole('button', { name: /^Buy Pro\b/ }).click(),
    ]);
    expect(response.status()).toBe(403);
    await page.getByRole('heading', { name: 'Please try again' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/checkout');
    const started = await harness.test.core.db
      .select({ id: checkoutSessions.id })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.userId, member.userId));
    expect(started).toEqual([]);
  });
});

interface Removable {
  remove(): void;
}
