import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';
import type { WebSessionMember } from '../core/web-sessions/web-session-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The member this browser is signed in as (pages only; never set on /v1 API requests). */
    webMember: WebSessionMember | null;
  }
}

/** Cookies are Secure whenever the site is served over HTTPS (PUBLIC_URL says so). */
export const servedOverHttps = (core: Core) => core.config.PUBLIC_URL.startsWith('https://');

/**
 * `__Host-` pins the cookie to this exact host and path / over HTTPS, so a sibling subdomain
 * cannot plant or read it; plain-HTTP development cannot use the prefix.
 */
export const sessionCookieName = (core: Core) => (servedOverHttps(core) ? '__Host-session' : 'session');

export const baseCookieOptions = (core: Core): CookieSerializeOptions => ({
  path: '/',
  httpOnly: true,
  secure: servedOverHttps(core),
  sameSite: 'lax',
});

/** Max-Age, not Expires: the browser counts from its own clock, whatever the server's says. */
export function setSessionCookie(core: Core, reply: FastifyReply, token: string, expiresAt: Date) {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - core.clock.now().getTime()) / 1000));
  reply.setCookie(sessionCookieName(core), token, { ...baseCookieOptions(core), maxAge });
}

export function clearSessionCookie(core: Core, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(core), baseCookieOptions(core));
}

/** Pages live outside /v1; the JSON API authenticates with bearer credentials only. */
const isPageRequest = (request: FastifyRequest) => !request.url.startsWith('/v1/');

/**
 * Gives every page `request.webMember`. Only a request that carries the cookie costs a lookup;
 * an unknown, expired or revoked cookie is simply nobody (and is cleared).
 */
export function installWebSession(app: FastifyInstance, core: Core) {
  app.decorateRequest('webMember', null);
  app.addHook('preHandler', async (request, reply) => {
    if (!isPageRequest(request)) return;
    const token = request.cookies[sessionCookieName(core)];
    if (!token) return;
    request.webMember = (await core.webSessions.resolve(token)) ?? null;
    if (!request.webMember) clearSessionCookie(core, reply);
  });
}
