import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { apiKeyMarker } from '../core/api-keys/api-key-format.js';
import { unauthorized } from '../core/auth/access-tokens.js';
import { AppError } from '../core/errors.js';
import type { Core } from '../core/index.js';
import { createAdminKeyMatcher } from './admin-auth.js';

/**
 * Who is calling a member-facing route. CONTRACT shared by every member route (signals,
 * api keys, outbound webhooks, autotrade): routes read `request.caller` and never parse
 * credentials themselves. `admin` may act for any user; a member only for `userId`.
 */
export interface Caller {
  kind: 'admin' | 'api_key' | 'access_token';
  /** The member the credential belongs to; null for the admin key. */
  userId: string | null;
  /** The API key's id when kind is api_key. */
  apiKeyId: string | null;
  /** What the credential may do beyond the member's own objects, e.g. `signals:publish`. Admin: all. */
  scopes: string[];
  /** Tier, features and quotas the credential carries (admin: null, it may do anything). */
  entitlements: { tier: string; features: string[]; quotas: Record<string, number> } | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export type CallerKind = Caller['kind'];

export interface CallerAuth {
  /**
   * `Authorization: Bearer <admin key | API key | access token>`; sets request.caller. Member
   * credentials are rate limited per tier and every answer carries the X-RateLimit-* headers.
   */
  requireCaller(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** After requireCaller: 403 unless the credential is one of these kinds (API keys cannot mint API keys). */
  requireKinds(...kinds: CallerKind[]): preHandlerAsyncHookHandler;
  /** After requireCaller: 403 unless the caller's entitlements carry the feature (admin passes). */
  requireFeature(feature: string): preHandlerAsyncHookHandler;
  /** After requireCaller: 403 unless the credential carries the scope (admin passes). */
  requireScope(scope: string): preHandlerAsyncHookHandler;
}

/** Every requireCaller ever made: how the route table tells member routes apart (see memberRoutes). */
const memberAuthHandlers = new WeakSet<object>();

const bearerToken = (request: FastifyRequest) => {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
};

export function createCallerAuth(core: Core): CallerAuth {
  const isAdminKey = createAdminKeyMatcher(core.adminKey);
  const adminCaller: Caller = { kind: 'admin', userId: null, apiKeyId: null, scopes: ['*'], entitlements: null };

  async function memberCaller(token: string): Promise<Caller> {
    if (token.startsWith(apiKeyMarker)) {
      const key = await core.apiKeys.verify(token);
      if (!key) throw unauthorized('Unknown or revoked API key.');
      const view = await core.entitlements.get(key.userId);
      return {
        kind: 'api_key',
        userId: key.userId,
        apiKeyId: key.id,
        scopes: key.scopes,
        entitlements: { tier: view.tier, features: view.features, quotas: view.quotas },
      };
    }
    const claims = await core.auth.verifyAccessToken(token);
    return {
      kind: 'access_token',
      userId: claims.sub,
      apiKeyId: null,
      scopes: [],
      entitlements: { tier: claims.ent.tier, features: claims.ent.features, quotas: claims.ent.quotas },
    };
  }

  async function requireCaller(request: FastifyRequest, reply: FastifyReply) {
    const token = bearerToken(request);
    if (!token) throw unauthorized();
    if (isAdminKey(token)) {
      request.caller = adminCaller;
      return;
    }
    const caller = await memberCaller(token);
    // A client that left while its credential was looked up (a slow cache, a slow database)
    // would get no answer: counting it would spend its quota on nothing.
    if (request.raw.destroyed)
      throw new AppError('client_closed_request', 'The client closed the connection before the answer.', {
        status: 499,
      });
    const decision = await core.apiRateLimit.check(
      { kind: caller.kind as 'api_key' | 'access_token', id: caller.apiKeyId ?? (caller.userId as string) },
      caller.entitlements!,
    );
    reply.header('x-ratelimit-limit', String(decision.limit));
    reply.header('x-ratelimit-remaining', String(decision.remaining));
    reply.header('x-ratelimit-reset', String(Math.ceil(decision.resetAtMs / 1000)));
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      reply.header('retry-after', String(retryAfterSeconds));
      throw new AppError('rate_limited', `Rate limit of ${decision.limit} requests per minute reached.`, {
        status: 429,
        context: { limit: decision.limit, retry_after_seconds: retryAfterSeconds },
      });
    }
    request.caller = caller;
  }
  memberAuthHandlers.add(requireCaller);

  return {
    requireCaller,
    requireKinds:
      (...kinds) =>
      async (request) => {
        if (!kinds.includes(request.caller.kind))
          throw new AppError('credential_kind_forbidden', `This route takes: ${kinds.join(', ')}.`, {
            status: 403,
            context: { kind: request.caller.kind },
          });
      },
    requireFeature: (feature) => async (request) => {
      const { caller } = request;
      if (caller.kind !== 'admin' && !caller.entitlements?.features.includes(feature))
        throw new AppError('feature_required', `Your plan does not include ${feature}; see /tiers.`, {
          status: 403,
          context: { feature },
        });
    },
    requireScope: (scope) => async (request) => {
      const { caller } = request;
      if (caller.kind !== 'admin' && !caller.scopes.includes(scope))
        throw new AppError('scope_required', `This key lacks the ${scope} scope.`, {
          status: 403,
          context: { scope },
        });
    },
  };
}

/**
 * The user a member route acts for: the caller's own id, or for the admin key the id it names.
 * A member naming someone else gets 404 (never confirming the other id exists).
 */
export function actingUserId(caller: Caller, requestedUserId?: string | undefined): string {
  if (caller.kind === 'admin') {
    if (!requestedUserId)
      throw new AppError('user_id_required', 'The admin key acts for a user: give user_id.', { status: 400 });
    return requestedUserId;
  }
  if (requestedUserId && requestedUserId !== caller.userId)
    throw new AppError('not_found', 'No such object.', { status: 404 });
  return caller.userId as string;
}

export interface MemberRoute {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, MemberRoute[]>();

/**
 * Call once on the root instance, before any route. Declares `request.caller` up front (so
 * every request object keeps one shape, as Fastify advises for the hot path), and records
 * every route whose preHandlers include a requireCaller, wherever it is registered (an
 * onRoute hook on the root sees every child scope): the ownership test walks this table, so
 * a new member route cannot escape it.
 */
export function prepareCallerAuth(app: FastifyInstance) {
  app.decorateRequest('caller', null as unknown as Caller);
  const table: MemberRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const handlers = [route.preHandler ?? []].flat() as object[];
    if (!handlers.some((handler) => memberAuthHandlers.has(handler))) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url });
  });
}

/** The member routes of an app prepared with prepareCallerAuth. */
export const memberRoutes = (app: FastifyInstance): MemberRoute[] => [...(routeTables.get(app) ?? [])];
