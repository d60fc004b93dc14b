import type { Page } from 'playwright-core';
import type { BrowserHarness } from './browser-harness.js';
import { signInWithBotLink } from './browser-sign-in.js';

/**
 * A member signed in to this page's browser with the bot link, on `planId` (a moderator's
 * grant; Free grants nothing), with the member pages open to everyone.
 */
export async function signInOnPlan(harness: BrowserHarness, page: Page, planId: string) {
  await harness.test.openMemberPages();
  const member = await signInWithBotLink(harness, page);
  if (planId !== 'free')
    await harness.test.core.grants.grant(
      { userId: member.userId, planId, days: 30, expiresAt: null, reason: 'test' },
      'test',
    );
  return member;
}
