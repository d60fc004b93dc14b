import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInAsAdmin, submitAdminKey } from './testing/browser-admin-sign-in.js';
import { openFullBillingPageAfterBuyingPro } from './testing/browser-billing.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { signInWithBotLink } from './testing/browser-sign-in.js';
import { describeInBrowser } from './testing/chromium.js';
import { expectAccessible, expectNoHorizontalScroll } from './testing/page-checks.js';
import { sandboxCheckoutPath } from './testing/sandbox-checkout.js';
import { screenshot } from './testing/screenshots.js';

/**
 * Every page a person can land on, opened in Chromium: it loads, passes axe-core with no
 * serious or critical violation, fits a 390 px phone without sideways scrolling, logs no error
 * (a script or style the CSP blocks would) and fetches nothing from outside. A new page joins
 * the list below and inherits all of it.
 */
interface PageVisit {
  name: string;
  /** Brings the page to the state a person sees; fails if it does not load. */
  open(page: Page, harness: BrowserHarness): Promise<void>;
  /** Pictured by `npm run screenshots` (desktop, and at 390 px with `phone`); absent for pages the README does not show. */
  screenshot?: { name: string; phone?: boolean };
}

/** Loads `path` and fails unless it answers `status` (a page that errors is not a page to audit). */
async function load(page: Page, path: string, status = 200) {
  const response = await page.goto(path);
  expect(response?.status(), `${path} answered ${response?.status()}`).toBe(status);
}

const visits: PageVisit[] = [
  {
    name: 'the pricing page, signed out',
    open: (page) => load(page, '/pricing'),
    screenshot: { name: 'pricing', phone: true },
  },
  {
    name: 'the pricing page of a signed-in Free member',
    async open(page, harness) {
      await signInWithBotLink(harness, page);
      await load(page, '/pricing');
    },
  },
  {
    name: 'the sign-in page',
    open: (page) => load(page, '/sign-in'),
    screenshot: { name: 'sign-in' },
  },
  {
    name: 'the page a bot sign-in link opens',
    async open(page, harness) {
      const { signInUrl } = await harness.memberWithSignInLink();
      await load(page, signInUrl);
      await page.getByRole('button', { name: 'Sign in to this browser' }).waitFor();
    },
  },
  {
    name: 'the billing page of a signed-in Pro member',
    async open(page, harness) {
      const { userId } = await signInWithBotLink(harness, page);
      await harness.test.core.grants.grant(
        { userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
        'test',
      );
      await load(page, '/account/billing');
    },
    screenshot: { name: 'account-billing', phone: true },
  },
  // The full billing page and its plan-change preview, for a member the rollout's allow-list names.
  {
    name: 'the full billing page of a Pro subscriber inside the rollout',
    async open(page, harness) {
      await openFullBillingPageAfterBuyingPro(page, harness);
    },
  },
  {
    name: 'the plan-change preview page',
    async open(page, harness) {
      await openFullBillingPageAfterBuyingPro(page, harness);
      await page.getByRole('button', { name: 'Upgrade to VIP' }).click();
      await page.getByRole('button', { name: 'Confirm: switch to VIP' }).waitFor();
    },
  },
  {
    name: 'the checkout success page',
    open: (page) => load(page, '/checkout/success'),
    screenshot: { name: 'checkout-success' },
  },
  {
    name: 'the checkout canceled page',
    open: (page) => load(page, '/checkout/canceled'),
  },
  {
    name: 'the referral landing page',
    async open(page, harness) {
      const inviter = await harness.test.createUser({ email: `inviter-${Date.now()}@example.com` });
      const { code } = await harness.test.core.referrals.codeFor(inviter.id);
      await load(page, `/r/${encodeURIComponent(code)}`);
    },
    screenshot: { name: 'referral-landing' },
  },
  {
    name: 'the sandbox checkout page',
    async open(page, harness) {
      const { path } = await sandboxCheckoutPath(harness);
      await load(page, path);
      await page.getByRole('button', { name: 'Pay' }).waitFor();
    },
    screenshot: { name: 'sandbox-checkout' },
  },
  {
    name: 'the sandbox page after paying',
    async open(page, harness) {
      const { path } = await sandboxCheckoutPath(harness);
      await load(page, path);
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForLoadState();
    },
  },
  {
    name: 'the page a broken checkout link shows',
    open: (page) => load(page, '/c/not-a-signed-token', 400),
  },
  {
    name: 'the admin sign-in page',
    open: (page) => load(page, '/admin/sign-in'),
  },
  {
    // Before any other admin visit: the first sign-in enrols the second factor.
    name: 'the admin two-factor enrolment page',
    async open(page) {
      await submitAdminKey(page);
      await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
    },
  },
  {
    name: 'the admin dashboard',
    open: (page, harness) => signInAsAdmin(harness, page),
    screenshot: { name: 'admin-dashboard' },
  },
  {
    name: 'the admin two-factor code page',
    async open(page) {
      await submitAdminKey(page);
      await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    },
  },
  {
    name: 'the admin webhook inbox',
    async open(page, harness) {
      await signInAsAdmin(harness, page);
      await load(page, '/admin/inbox');
    },
    screenshot: { name: 'admin-inbox' },
  },
  {
    name: 'the admin rollout page',
    async open(page, harness) {
      await signInAsAdmin(harness, page);
      await load(page, '/admin/rollout');
    },
  },
];

describeInBrowser('every page in a browser', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(async () => harness?.close());

  for (const visit of visits) {
    it(`${visit.name} passes axe-core, fits 390 px, logs no error and loads nothing from outside`, async () => {
      const page = await harness.openPage();
      const problemsBefore = harness.pageProblems.length;
      await visit.open(page, harness);
      // Before the checks: a picture of a page that fails one shows what failed.
      if (visit.screenshot) await screenshot(page, visit.screenshot.name, { phone: visit.screenshot.phone ?? false });
      await expectAccessible(page);
      await expectNoHorizontalScroll(page);
      expect(harness.pageProblems.slice(problemsBefore)).toEqual([]);
      expect(harness.outsideRequests).toEqual([]);
    });
  }
});
