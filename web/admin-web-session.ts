import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminWebSession } from '../core/admin-web/admin-web-sessions.js';
import type { Core } from '../core/index.js';
import { servedOverHttps } from './web-session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in admin on the admin pages (set by requireAdminPage). */
    adminSession: AdminWebSession | null;
  }
}

/**
 * Its own cookie, never the member's: a member session opens no admin page. Strict same-site
 * (no link from elsewhere carries it), HttpOnly, Secure over HTTPS; no expiry attribute, so it
 * ends with the browser, and the server's idle expiry ends it sooner.
 */
export const adminCookieName = (core: Core) => (servedOverHttps(core) ? '__Host-admin_session' : 'admin_session');

const adminCookieOptions = (core: Core) => ({
  path: '/',
  httpOnly: true,
  secure: servedOverHttps(core),
  sameSite: 'strict' as const,
});

export function setAdminCookie(core: Core, reply: FastifyReply, token: string) {
  reply.setCookie(adminCookieName(core), token, adminCookieOptions(core));
}

export function clearAdminCookie(core: Core, reply: FastifyReply) {
  reply.clearCookie(adminCookieName(core), adminCookieOptions(core));
}

/** Every admin form checks the CSRF token whatever its content type (the page foundation reads this). */
export const csrfAlways = { csrf: true };

/** Pages, not API: kept out of the OpenAPI document. */
export const hiddenFromDocs = { hide: true };

export const adminPaths = {
  signIn: '/admin/sign-in',
  signInLink: '/admin/sign-in/link',
  twoFactor: '/admin/two-factor',
  twoFactorEnrol: '/admin/two-factor/enrol',
  signOut: '/admin/sign-out',
  dashboard: '/admin/dashboard',
  inbox: '/admin/inbox',
  rollout: '/admin/rollout',
  // /admin/plans and /admin/signals are the JSON API's, so the pages have their own paths.
  plans: '/admin/catalog',
  members: '/admin/members',
  signals: '/admin/track-record',
} as const;

/** The session a request carries, whatever its stage (the two-factor pages need it half-done). */
export async function readAdminSession(core: Core, request: FastifyRequest): Promise<AdminWebSession | undefined> {
  return core.adminWeb.sessions.resolve(request.cookies[adminCookieName(core)]);
}

/**
 * Guards every admin page and form: no admin session (or only a member's) goes to sign-in,
 * a session without its second factor goes to the two-factor page. GET and POST alike, so a
 * form posted after the session lapsed changes nothing.
 */
export function requireAdminPage(core: Core) {
  return async function adminPageGuard(request: FastifyRequest, reply: FastifyReply) {
    const session = await readAdminSession(core, request);
    reply.header('cache-control', 'no-store');
    if (!session) {
      if (request.cookies[adminCookieName(core)]) clearAdminCookie(core, reply);
      return reply.redirect(adminPaths.signIn, 303);
    }
    if (!session.secondFactorDone) return reply.redirect(adminPaths.twoFactor, 303);
    request.adminSession = session;
  };
}

/** Declares request.adminSession in the admin pages' scope. */
export function installAdminSession(app: FastifyInstance) {
  app.decorateRequest('adminSession', null);
}
