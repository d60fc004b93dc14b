import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createFakeChatPlatform } from '../../core/testing/fake-chat-platform.js';
import { freePort } from '../../core/testing/free-port.js';
import { createLiveClock } from '../../core/testing/live-clock.js';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { launchChromium } from './chromium.js';

/** The viewport of the desktop screenshots and of every page a test opens unless it asks otherwise. */
export const desktopViewport = { width: 1280, height: 800 };
/** A small phone: the narrowest width every page must fit without sideways scrolling. */
export const phoneViewport = { width: 390, height: 844 };

// A slow page fails its test in seconds instead of hanging the run until vitest's timeout.
const actionTimeoutMs = 10_000;
const navigationTimeoutMs = 15_000;

export interface PageProblem {
  url: string;
  text: string;
}

export interface BrowserHarness {
  /** The app behind the browser: core, clock (live, movable), drain(), createUser(). */
  test: TestApp;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL, so every link and redirect stays here. */
  origin: string;
  browser: Browser;
  /** A fresh browser profile (its own cookies) with one page open on nothing yet. */
  openPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Loads that tried to leave 127.0.0.1 (each was aborted): pages must need nothing from outside. */
  outsideRequests: string[];
  /** Uncaught page errors and console errors (a script or style the CSP blocked shows up here). */
  pageProblems: PageProblem[];
  /** A member with a Telegram account, and the one-time sign-in link the bot sent to their DM. */
  memberWithSignInLink(): Promise<{ userId: string; externalId: string; signInUrl: string }>;
  close(): Promise<void>;
}

const isThisMachine = (url: URL) => url.hostname === '127.0.0.1';

/**
 * The real product for browser tests: createTestApp's core and web app on a fresh database
 * (PGlite, or PostgreSQL when TEST_DATABASE_URL is set) listening on 127.0.0.1, with Debian's
 * Chromium driving it. The sandbox provider delivers its webhooks to this same app, so paying
 * on the sandbox checkout page grants access as it does in production.
 */
export async function startBrowserHarness(environment: Record<string, string> = {}): Promise<BrowserHarness> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const test = await createTestApp({ PUBLIC_URL: origin, ...environment }, { clock: createLiveClock() });
  let browser: Browser;
  try {
    await test.app.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
  } catch (error) {
    await test.close();
    throw error;
  }

  const contexts: BrowserContext[] = [];
  const outsideRequests: string[] = [];
  const pageProblems: PageProblem[] = [];
  const telegram = createFakeChatPlatform({ name: 'telegram' });
  test.core.access.registerPlatform(telegram.platform);
  let nextTelegramId = 900_000;

  return {
    test,
    origin,
    browser,
    outsideRequests,
    pageProblems,
    async openPage(options = {}) {
      const context = await browser.newContext({
        baseURL: origin,
        viewport: options.viewport ?? desktopViewport,
        deviceScaleFactor: 1,
        locale: 'en-US',
        timezoneId: 'UTC',
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      contexts.push(context);
      await context.route(
        (url) => !isThisMachine(url),
        (route) => {
          outsideRequests.push(route.request().url());
          return route.abort('blockedbyclient');
        },
      );
      const page = await context.newPage();
      page.setDefaultTimeout(actionTimeoutMs);
      page.setDefaultNavigationTimeout(navigationTimeoutMs);
      page.on('pageerror', (error) => pageProblems.push({ url: page.url(), text: error.message }));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // A page answered with a 4xx on purpose (a broken link's page) logs its own status;
        // the test asserts that status. A failing stylesheet, script or image still counts.
        const aboutTheDocument = message.location().url === page.url();
        if (aboutTheDocument && message.text().startsWith('Failed to load resource')) return;
        pageProblems.push({ url: page.url(), text: message.text() });
      });
      return page;
    },
    async memberWithSignInLink() {
      nextTelegramId += 1;
      const externalId = String(nextTelegramId);
      const { id: userId } = await test.core.users.findOrCreate({ platform: 'telegram', externalId }, 'test');
      const before = telegram.dms.length;
      const response = await test.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { platform: 'telegram', external_id: externalId },
      });
      expect(response.statusCode, response.body).toBe(202);
      await test.drain();
      const sent = telegram.dms.slice(before).filter((dm) => dm.externalId === externalId);
      const signInUrl = sent[0]?.message.links?.[0]?.url;
      expect(signInUrl, 'the bot DMs a sign-in link').toBeDefined();
      expect(signInUrl!.startsWith(`${origin}/`), signInUrl).toBe(true);
      return { userId, externalId, signInUrl: signInUrl! };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await test.close();
    },
  };
}
