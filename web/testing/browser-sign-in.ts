import type { Page } from 'playwright-core';
import type { BrowserHarness } from './browser-harness.js';

/**
 * Signs the page's browser in as a new member, the way a member does: the link the bot sent
 * to their DM, then "Sign in to this browser". Ends on the page the sign-in leads to.
 */
export async function signInWithBotLink(harness: BrowserHarness, page: Page) {
  const member = await harness.memberWithSignInLink();
  await page.goto(member.signInUrl);
  await page.getByRole('button', { name: 'Sign in to this browser' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return member;
}
