import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInAsAdmin } from './testing/browser-admin-sign-in.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { describeInBrowser } from './testing/chromium.js';
import { expectAccessible } from './testing/page-checks.js';

/** The raw value a page cell carries for `figure`. */
const figureOn = (page: Page, figure: string) => page.locator(`[data-figure="${figure}"]`).getAttribute('data-value');

describeInBrowser('the owner’s members and signals pages in a browser', () => {
  let harness: BrowserHarness;
  let admin: Page;
  let memberId: string;
  beforeAll(async () => {
    harness = await startBrowserHarness();
    memberId = (
      await harness.test.createUser({
        email: 'ada.lovelace@example.com',
        platform: 'telegram',
        external_id: '5520001',
        display_name: 'Ada Lovelace',
      })
    ).id;
    await harness.test.core.grants.grant(
      { userId: memberId, planId: 'pro', days: 30, expiresAt: null, reason: 'browser test' },
      'test',
    );
    admin = await harness.openPage();
    await signInAsAdmin(harness, admin);
  });
  afterAll(async () => harness?.close());

  it('an admin searches a member by Telegram id, opens their page, freezes them and lifts the freeze', async () => {
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Members' }).click();
    await admin.getByLabel('Email, platform id or name').fill('5520001');
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin.getByRole('link', { name: 'Ada Lovelace' }).click();
    await admin.waitForURL(`**/admin/members/${memberId}`);
    expect(await figureOn(admin, 'status')).toBe('active');
    await expectAccessible(admin);

    await admin.getByLabel('Reason (audit log)').last().fill('suspected account sharing');
    await admin.getByRole('button', { name: 'Freeze', exact: true }).click();
    await admin.getByRole('status').filter({ hasText: 'Frozen' }).waitFor();
    expect(await figureOn(admin, 'status')).toBe('frozen');
    expect((await harness.test.core.entitlements.get(memberId)).status).toBe('frozen');

    await admin.getByRole('button', { name: 'Lift freeze' }).click();
    await admin.getByRole('status').filter({ hasText: 'Freeze lifted' }).waitFor();
    expect(await figureOn(admin, 'status')).toBe('active');
    expect((await harness.test.core.entitlements.get(memberId)).tier).toBe('pro');
  });

  it('an admin publishes a signal from the form and sees it in the track record, the chain verified', async () => {
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Signals' }).click();
    await admin.getByLabel('Instrument').fill('ethusdt');
    await admin.getByLabel('Side').selectOption('short');
    await admin.getByLabel('Entry').fill('3000');
    await admin.getByLabel('Stop').fill('3100');
    await admin.getByLabel('Targets, comma-separated').fill('2900, 2800');
    await admin.getByRole('button', { name: 'Publish' }).click();
    await admin.getByRole('status').filter({ hasText: 'Published signal #1' }).waitFor();
    const row = admin.getByRole('row', { name: /#1/ });
    await expect(row.textContent()).resolves.toContain('ETHUSDT');
    await expect(row.textContent()).resolves.toContain('2900, 2800');
    expect(await figureOn(admin, 'chain')).toBe('verified');
    await admin.getByText('Chain verified: 1 signal').waitFor();
    await expectAccessible(admin);
  });
});
