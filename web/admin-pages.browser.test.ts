import { desc, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { paymentEvents } from '../db/schema/index.js';
import { signInAsAdmin } from './testing/browser-admin-sign-in.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { buyProOnPricingPage } from './testing/browser-purchase.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';

/** The raw value a dashboard or inbox cell carries for `figure`. */
const figureOn = (page: Page, figure: string) => page.locator(`[data-figure="${figure}"]`).getAttribute('data-value');

describeInBrowser('the owner in a browser', () => {
  let harness: BrowserHarness;
  let admin: Page;
  beforeAll(async () => {
    harness = await startBrowserHarness();
    const member = await harness.openPage();
    await signInWithBotLink(harness, member);
    await buyProOnPricingPage(harness, member);
  });
  afterAll(async () => harness?.close());

  it('an admin signs in with the admin key and a TOTP code and the dashboard funnel counts the Pro bought on the pricing page', async () => {
    admin = await harness.openPage();
    await signInAsAdmin(harness, admin);
    expect(await figureOn(admin, 'funnel:web:opened')).toBe('1');
    expect(await figureOn(admin, 'funnel:web:paid')).toBe('1');
  });

  it('a dead letter is replayed from the webhooks page and processed again', async () => {
    const [latest] = await harness.test.core.db
      .select()
      .from(paymentEvents)
      .orderBy(desc(paymentEvents.receivedAt))
      .limit(1);
    expect(latest).toBeDefined();
    await harness.test.core.db
      .update(paymentEvents)
      .set({ status: 'dead', lastError: 'simulated: gave up after retries' })
      .where(eq(paymentEvents.id, latest!.id));

    await admin.goto('/admin/inbox');
    expect(await figureOn(admin, 'status:dead')).toBe('1');
    await admin.getByRole('button', { name: /^Replay / }).click();
    await admin.getByRole('status').filter({ hasText: 'queued again' }).waitFor();
    await harness.test.drain();
    const [after] = await harness.test.core.db.select().from(paymentEvents).where(eq(paymentEvents.id, latest!.id));
    expect(['processed', 'ignored']).toContain(after?.status);
    await admin.goto('/admin/inbox');
    expect(await figureOn(admin, 'status:dead')).not.toBe('1');
  });
});
