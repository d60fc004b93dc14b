import { z } from 'zod';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { AppError, isAppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { signJwt, verifyJwt } from './hs256-jwt.js';

/** What hot endpoints gate on without a lookup: the member's tier, features and quotas when the token was issued. */
export const entitlementClaimSchema = z.object({
  tier: z.string(),
  features: z.array(z.string()),
  quotas: z.record(z.string(), z.number()),
  /** The entitlement version these were read at. */
  v: z.number().int(),
});

const accessClaimsSchema = z.object({
  sub: z.uuid(),
  typ: z.literal('access'),
  iat: z.number().int(),
  exp: z.number().int(),
  ent: entitlementClaimSchema,
});

export type AccessClaims = z.infer<typeof accessClaimsSchema>;

export const unauthorized = (message = 'Send a valid API key or access token as "Authorization: Bearer <token>".') =>
  new AppError('unauthorized', message, { status: 401 });

/**
 * Short-lived HS256 access tokens with an `ent` claim. A downgrade or revoke must not wait
 * for expiry, so every use compares the claim's entitlement version with the current one in
 * the entitlement cache (per-process copy, dropped on every change everywhere): a token
 * minted before any change is refused as `token_stale` (401) and the client refreshes, which
 * mints claims from the current entitlements. Refusing, not silently re-reading, keeps one
 * rule: what a request may do is exactly what its token says.
 */
export function createAccessTokens(deps: {
  secret: Buffer;
  ttlSeconds: number;
  clock: Clock;
  entitlements: Pick<EntitlementService, 'get'>;
}) {
  const { secret, clock } = deps;
  return {
    ttlSeconds: deps.ttlSeconds,

    async issue(userId: string): Promise<{ token: string; expiresAt: Date; claims: AccessClaims }> {
      const view = await deps.entitlements.get(userId);
      const issuedAt = Math.floor(clock.now().getTime() / 1000);
      const claims: AccessClaims = {
        sub: userId,
        typ: 'access',
        iat: issuedAt,
        exp: issuedAt + deps.ttlSeconds,
        ent: { tier: view.tier, features: view.features, quotas: view.quotas, v: view.version },
      };
      return { token: signJwt(claims, secret), expiresAt: new Date(claims.exp * 1000), claims };
    },

    /** The claims of a genuine, unexpired, current token; otherwise a 401 with a stable code. */
    async verify(token: string): Promise<AccessClaims> {
      const verified = verifyJwt(token, secret);
      if (!verified.ok) throw unauthorized();
      const parsed = accessClaimsSchema.safeParse(verified.claims);
      if (!parsed.success) throw unauthorized();
      const claims = parsed.data;
      if (claims.exp * 1000 <= clock.now().getTime())
        throw new AppError('token_expired', 'The access token has expired; refresh it.', { status: 401 });
      let currentVersion: number;
      try {
        currentVersion = (await deps.entitlements.get(claims.sub)).version;
      } catch (error) {
        if (isAppError(error) && error.status === 404) throw unauthorized();
        throw error;
      }
      if (currentVersion !== claims.ent.v)
        throw new AppError('token_stale', 'Your plan changed since this token was issued; refresh it.', {
          status: 401,
        });
      return claims;
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
