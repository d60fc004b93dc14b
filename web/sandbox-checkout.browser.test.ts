import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminHeaders } from '../core/testing/test-core.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { describeInBrowser } from './testing/chromium.js';
import { sandboxCheckoutPath } from './testing/sandbox-checkout.js';

describeInBrowser('the sandbox checkout page in a browser', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(async () => harness?.close());

  const tierOf = async (userId: string) => {
    await harness.test.drain();
    const response = await harness.test.app.inject({
      method: 'GET',
      url: `/v1/entitlements/${userId}`,
      headers: adminHeaders,
    });
    return response.json<{ tier: string }>().tier;
  };

  it('pressing Pay makes the sandbox send its signed webhook to the same server, and the member gets Pro', async () => {
    const { userId, path } = await sandboxCheckoutPath(harness);
    const page = await harness.openPage();
    await page.goto(path);
    expect(await tierOf(userId)).toBe('free');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('heading', { name: 'Payment complete' }).waitFor();
    expect(await tierOf(userId)).toBe('pro');
  });

  it('pressing Decline leaves the member on Free', async () => {
    const { userId, path } = await sandboxCheckoutPath(harness);
    const page = await harness.openPage();
    await page.goto(path);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('heading', { name: 'Payment declined' }).waitFor();
    expect(await tierOf(userId)).toBe('free');
  });
});
