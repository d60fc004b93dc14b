import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';
import { envelope } from './http-errors.js';
import { assetPrefix, staticDirectory } from './static-assets.js';
import { renderMessagePage } from './views/message-page.js';
import { baseCookieOptions, installWebSession, servedOverHttps } from './web-session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Check the CSRF token whatever the content type (every page form route sets it). */
    csrf?: boolean;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What a cross-site <form> or no-cors fetch can send without a CORS preflight. */
const formContentType = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * Which requests must carry the CSRF token: every form post to our pages. Exempt: the JSON API
 * and the webhooks and bots under /v1 (bearer credentials or provider signatures, never
 * cookies), requests with an Authorization header (a browser never adds one on its own), and
 * the sandbox's hosted checkout, which stands in for the provider's own page on the provider's
 * origin (its Pay button moves no real money).
 */
function needsCsrfCheck(request: FastifyRequest): boolean {
  if (!unsafeMethods.has(request.method)) return false;
  if (request.routeOptions.config.csrf === true) return true;
  if (request.url.startsWith('/v1/') || request.url.startsWith('/sandbox/')) return false;
  if (request.headers.authorization) return false;
  return formContentType.test(request.headers['content-type'] ?? '');
}

const acceptsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/** The Content-Security-Policy of our pages: nothing inline, nothing from another origin. */
function contentSecurityPolicy(core: Core) {
  const publicOrigin = new URL(core.config.PUBLIC_URL).origin;
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      // A buy button posts here and is redirected to the provider's checkout: Chrome applies
      // form-action to that redirect, so the checkout and portal origins are named.
      formAction: ["'self'", publicOrigin, 'https://checkout.stripe.com', 'https://billing.stripe.com'],
      ...(servedOverHttps(core) ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

/**
 * What every page needs, registered before any route: security headers with a strict CSP
 * (the OpenAPI UI at /docs gets the inline styles and data: images it draws with), cookies,
 * form bodies, CSRF tokens checked on every form post, the signed-in member, and web/static
 * under /assets/ with a year of immutable caching (URLs carry a content hash).
 */
export async function installPageFoundation(app: FastifyInstance, core: Core) {
  await app.register(cookie);
  await app.register(formbody);
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: baseCookieOptions(core),
  });
  const policy = contentSecurityPolicy(core);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/docs')) return;
    const docsPolicy = {
      ...policy,
      directives: { ...policy.directives, styleSrc: ["'self'", "'unsafe-inline'"] },
    };
    // Read by helmet's own onRoute hook, which runs after this one (registered below).
    route.helmet = { contentSecurityPolicy: docsPolicy };
  });
  await app.register(helmet, {
    contentSecurityPolicy: policy,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: servedOverHttps(core) ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(fastifyStatic, {
    root: staticDirectory,
    prefix: assetPrefix,
    maxAge: '365d',
    immutable: true,
    index: false,
    list: false,
  });
  installWebSession(app, core);
  app.addHook('preHandler', async (request, reply) => {
    if (!needsCsrfCheck(request)) return;
    const refused = await verifyCsrf(app, request, reply);
    if (!refused) return;
    request.log.info({ url: request.url.split('?')[0] }, 'form post refused: missing or stale CSRF token');
    const message = 'This form has expired or did not come from our page. Reload the page and send it again.';
    reply.status(403).header('cache-control', 'no-store');
    if (acceptsHtml(request))
      return reply
        .type('text/html; charset=utf-8')
        .send(renderMessagePage({ title: 'Please try again', message, code: 'csrf_token_invalid' }));
    return reply.send(envelope('csrf_token_invalid', message));
  });
}

/** Runs the plugin's check, capturing its refusal instead of letting it reach the JSON error handler. */
function verifyCsrf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  return new Promise((resolve) => {
    const capturing = Object.create(reply, { send: { value: () => resolve(true) } }) as FastifyReply;
    app.csrfProtection(request, capturing, () => resolve(false));
  });
}
