import { Counter } from 'prom-client';
import type { Metrics } from '../metrics.js';
import type { RateDecision, SlidingWindowLimiter } from './rate-decision.js';

export const apiRateWindowMs = 60_000;

/** A plan without an `api_rpm` quota gets the Free tier's figure, never unlimited. */
export const fallbackRequestsPerMinute = 10;

/**
 * The per-tier API limit: `api_rpm` from the caller's quotas (plan plus add-ons, already
 * summed by the entitlement computation), counted per API key or per logged-in user.
 */
export function createApiRateLimit(deps: { limiter: SlidingWindowLimiter; metrics: Metrics }) {
  const rateLimited = new Counter({
    name: 'api_rate_limited_total',
    help: 'Member API requests refused with 429, by credential kind and tier.',
    labelNames: ['kind', 'tier'] as const,
    registers: [deps.metrics.registry],
  });
  return {
    async check(
      subject: { kind: 'api_key' | 'access_token'; id: string },
      entitlements: { tier: string; quotas: Record<string, number> },
    ): Promise<RateDecision> {
      const limit = entitlements.quotas.api_rpm ?? fallbackRequestsPerMinute;
      const key = `${subject.kind === 'api_key' ? 'key' : 'user'}:${subject.id}`;
      const decision = await deps.limiter.consume(key, limit, apiRateWindowMs);
      if (!decision.allowed) rateLimited.inc({ kind: subject.kind, tier: entitlements.tier });
      return decision;
    },
  };
}

export type ApiRateLimit = ReturnType<typeof createApiRateLimit>;
