import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Core } from '../../core/index.js';
import { sessionCookieName } from '../web-session.js';
import { createFormClient } from './form-client.js';

/**
 * Test-only: a form client already signed in as the member (a web session made the way the
 * bot-link sign-in makes one), holding the CSRF token of the first page it opens.
 */
export async function signedInMemberBrowser(app: FastifyInstance, core: Core, userId: string, firstPage: string) {
  const browser = createFormClient(app);
  const session = await core.webSessions.create(userId, 'telegram');
  browser.cookies.set(sessionCookieName(core), session.token);
  const page = await browser.get(firstPage);
  expect(page.statusCode, page.body).toBe(200);
  return { browser, page };
}
