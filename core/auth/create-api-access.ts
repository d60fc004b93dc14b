import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import { createOutboxEmailSender } from '../adapters/outbox-email-sender.js';
import { createSmtpEmailSender } from '../adapters/smtp-email-sender.js';
import { createApiKeyService } from '../api-keys/api-key-service.js';
import type { Config } from '../config.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { defineJob } from '../jobs/job-registry.js';
import type { Metrics } from '../metrics.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { createApiRateLimit } from '../rate-limits/api-rate-limit.js';
import { createMemorySlidingWindow } from '../rate-limits/memory-sliding-window.js';
import { createRedisSlidingWindow } from '../rate-limits/redis-sliding-window.js';
import { createAccessTokens } from './access-tokens.js';
import { createAuthService } from './auth-service.js';
import { createLoginLinks, loginLinkJob, loginTargetSchema } from './login-links.js';
import { createRefreshTokens } from './refresh-tokens.js';

/**
 * The key that signs access tokens. Derived from the admin key when JWT_SIGNING_SECRET is
 * unset (like the link secret, under its own label), so tokens survive an embedded restart
 * and the admin key never signs anything itself.
 */
export function deriveJwtSecret(configuredSecret: string | undefined, adminKey: string): Buffer {
  if (configuredSecret) return Buffer.from(configuredSecret, 'utf8');
  return createHmac('sha256', adminKey).update('community-monetization/jwt-signing/v1').digest();
}

/** API keys, sign-in, access tokens and the per-tier rate limit, built once per core. */
export async function createApiAccess(deps: {
  config: Config;
  db: Database;
  cache: Cache;
  queue: Queue;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  entitlements: EntitlementService;
  registry: AccessStrategyRegistry;
  adminKey: string;
  redisPrefix: string;
}) {
  const { config, db, clock, logger } = deps;
  const redisLimiter = config.REDIS_URL
    ? createRedisSlidingWindow({ url: config.REDIS_URL, keyPrefix: `${deps.redisPrefix}ratelimit:`, clock, logger })
    : undefined;
  // A short wait at boot so the first requests count in the shared window; a dead Redis does not hold start-up.
  if (redisLimiter) await redisLimiter.ready(2000);
  const limiter = redisLimiter ?? createMemorySlidingWindow({ clock });
  // The outbox stands in while no mail service is configured (embedded mode, tests).
  const outbox = config.SMTP_URL
    ? undefined
    : createOutboxEmailSender({ logger, logBodies: config.NODE_ENV !== 'production' });
  const smtp = config.SMTP_URL
    ? createSmtpEmailSender({
        url: config.SMTP_URL,
        from: config.EMAIL_FROM ?? `no-reply@${new URL(config.PUBLIC_URL).hostname}`,
      })
    : undefined;
  const email = smtp ?? outbox!;
  const apiKeys = createApiKeyService({
    db,
    cache: deps.cache,
    clock,
    entitlements: deps.entitlements,
    cacheTtlSeconds: config.ENTITLEMENT_CACHE_TTL_SECONDS,
    localCacheTtlMs: config.REDIS_URL ? config.ENTITLEMENT_LOCAL_CACHE_TTL_MS : 0,
  });
  const accessTokens = createAccessTokens({
    secret: deriveJwtSecret(config.JWT_SIGNING_SECRET, deps.adminKey),
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    clock,
    entitlements: deps.entitlements,
  });
  const loginLinks = createLoginLinks({
    db,
    clock,
    queue: deps.queue,
    limiter,
    registry: deps.registry,
    email,
    logger,
    publicUrl: config.PUBLIC_URL,
    ttlMinutes: config.LOGIN_LINK_TTL_MINUTES,
  });
  const refreshTokens = createRefreshTokens({ db, clock, ttlDays: config.REFRESH_TOKEN_TTL_DAYS });
  const auth = createAuthService({ loginLinks, accessTokens, refreshTokens });
  return {
    apiKeys,
    auth,
    /** The embedded outbox, when no SMTP_URL is set. */
    outbox,
    limiter,
    apiRateLimit: createApiRateLimit({ limiter, metrics: deps.metrics }),
    jobs: [
      defineJob({
        name: loginLinkJob,
        payload: loginTargetSchema,
        handle: async (target) => {
          await loginLinks.deliver(target);
        },
      }),
    ],
    async close() {
      smtp?.close();
      await limiter.close();
    },
  };
}

export type ApiAccess = Awaited<ReturnType<typeof createApiAccess>>;
