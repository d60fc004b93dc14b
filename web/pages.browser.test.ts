import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminHeaders } from '../core/testing/test-core.js';
import { signInAsAdmin, submitAdminKey } from './testing/browser-admin-sign-in.js';
import { openFullBillingPageAfterBuyingPro } from './testing/browser-billing.js';
import { type BrowserHarness, startBrowserHarness } from './testing/browser-harness.js';
import { signInOnPlan } from './testing/browser-member-on-plan.js';
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
    name: 'the plan summary a Pro member outside the rollout gets',
    async open(page, harness) {
      const { userId } = await signInWithBotLink(harness, page);
      await harness.test.core.grants.grant(
        { userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
        'test',
      );
      await load(page, '/account/billing');
    },
  },
  // The full billing page and its plan-change preview, for a member the rollout's allow-list names.
  {
    name: 'the full billing page of a Pro subscriber inside the rollout',
    async open(page, harness) {
      await openFullBillingPageAfterBuyingPro(page, harness);
    },
    screenshot: { name: 'account-billing', phone: true },
  },
  {
    name: 'the plan-change preview page',
    async open(page, harness) {
      await openFullBillingPageAfterBuyingPro(page, harness);
      await page.getByRole('button', { name: 'Upgrade to VIP' }).click();
      await page.getByRole('button', { name: 'Confirm: switch to VIP' }).waitFor();
    },
    screenshot: { name: 'plan-change-preview' },
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
  // Member feature pages: locked and unlocked.
  {
    name: 'the signals page of a Free member, with a locked real-time card',
    async open(page, harness) {
      const published = await harness.test.app.inject({
        method: 'POST',
        url: '/v1/signals',
        headers: adminHeaders,
        payload: {
          instrument: 'BTCUSDT',
          side: 'long',
          entry: '64250.5',
          stop: '63000',
          targets: ['66000'],
          idempotency_key: `pages-visit-${Date.now()}`,
        },
      });
      expect(published.statusCode, published.body).toBe(201);
      await signInOnPlan(harness, page, 'free');
      await load(page, '/signals');
      await page.locator('.signal-card.locked').first().waitFor();
    },
    screenshot: { name: 'signals-locked', phone: true },
  },
  {
    name: 'the signals page of a Pro member',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'pro');
      await load(page, '/signals');
    },
  },
  {
    name: 'the API keys page, locked for a Free member',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'free');
      await load(page, '/account/api-keys');
      await page.getByText('Locked', { exact: true }).waitFor();
    },
  },
  {
    name: 'the page showing a new API key once',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'pro');
      await load(page, '/account/api-keys');
      await page.getByLabel('Name (what the key is for)').fill('Trading bot');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('heading', { name: 'Your new API key' }).waitFor();
    },
    screenshot: { name: 'api-key-created' },
  },
  {
    name: 'the API keys page of a Pro member with a key',
    async open(page, harness) {
      const { userId } = await signInOnPlan(harness, page, 'pro');
      await harness.test.core.apiKeys.create({ kind: 'member', userId, tag: 'test' }, { userId, name: 'Trading bot' });
      await load(page, '/account/api-keys');
    },
  },
  {
    name: 'the webhooks page, locked for a Core member',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'core');
      await load(page, '/account/webhooks');
      await page.getByText('Locked', { exact: true }).waitFor();
    },
  },
  {
    name: 'the webhooks page of a Pro member with an endpoint',
    async open(page, harness) {
      const { userId } = await signInOnPlan(harness, page, 'pro');
      const { features } = await harness.test.core.entitlements.get(userId);
      // A literal public address (no DNS), on an event this member never causes: nothing is sent.
      await harness.test.core.outboundWebhooks.endpoints.create(userId, features, {
        url: 'https://93.184.215.14/hooks',
        events: ['subscription.updated'],
      });
      await load(page, '/account/webhooks');
    },
  },
  {
    name: 'the autotrade page, locked for a Core member',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'core');
      await load(page, '/account/autotrade');
      await page.getByText('Locked', { exact: true }).waitFor();
    },
    screenshot: { name: 'autotrade-locked' },
  },
  {
    name: 'the autotrade page of a Pro member following signals',
    async open(page, harness) {
      await signInOnPlan(harness, page, 'pro');
      await load(page, '/account/autotrade');
      await page.getByRole('button', { name: 'Follow signals with a paper account' }).click();
      await page.getByRole('button', { name: 'Stop following signals' }).waitFor();
      // A signal to follow, so the page also shows a paper position.
      const published = await harness.test.app.inject({
        method: 'POST',
        url: '/v1/signals',
        headers: adminHeaders,
        payload: {
          instrument: 'ETHUSDT',
          side: 'short',
          entry: '3120.25',
          stop: '3250',
          targets: ['2950', '2800'],
          idempotency_key: `pages-visit-autotrade-${Date.now()}`,
        },
      });
      expect(published.statusCode, published.body).toBe(201);
      await harness.test.drain();
      await load(page, '/account/autotrade');
      await page.getByRole('heading', { name: 'Recent positions' }).waitFor();
    },
  },
  {
    name: 'the admin plans page',
    async open(page, harness) {
      await signInAsAdmin(harness, page);
      await load(page, '/admin/catalog');
    },
  },
  {
    name: 'the admin page of one plan',
    async open(page, harness) {
      await signInAsAdmin(harness, page);
      await load(page, '/admin/catalog/pro');
    },
    screenshot: { name: 'admin-plan' },
  },
  {
    name: 'the admin promo codes page',
    async open(page, harness) {
      await signInAsAdmin(harness, page);
      await load(page, '/admin/catalog/promotions');
    },
  },
  {
    name: 'the admin member search with a result',
    async open(page, harness) {
      await harness.test.createUser({ email: 'searched.member@example.com', display_name: 'Searched Member' });
      await signInAsAdmin(harness, page);
      await load(page, '/admin/members?q=searched');
      await page.getByRole('link', { name: 'Searched Member' }).waitFor();
    },
  },
  {
    name: 'the admin page of one member, with a grant and a freeze',
    async open(page, harness) {
      const { id } = await harness.test.createUser({
        email: 'one.member@example.com',
        platform: 'telegram',
        external_id: '4410001',
        display_name: 'One Member',
      });
      await harness.test.core.grants.grant(
        { userId: id, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
        'test',
      );
      await harness.test.core.freezes.freeze({ userId: id, reason: 'test' }, 'test');
      await signInAsAdmin(harness, page);
      await load(page, `/admin/members/${id}`);
    },
    screenshot: { name: 'admin-member' },
  },
  {
    name: 'the admin signals page with its track record',
    async open(page, harness) {
      await harness.test.core.signals.publish(
        {
          instrument: 'BTCUSDT',
          side: 'long',
          entry: '64250.5',
          stop: '63000',
          targets: ['65000', '66000'],
          note: 'breakout',
          idempotency_key: `pages-visit-${Date.now()}`,
        },
        'test',
      );
      await signInAsAdmin(harness, page);
      await load(page, '/admin/track-record');
      await page.getByText('Chain verified').waitFor();
    },
    screenshot: { name: 'admin-track-record' },
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
