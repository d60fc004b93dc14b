import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../../web/app.js';
import { createCallerAuth } from '../../../web/caller-auth.js';
import { createMemoryCache } from '../../adapters/memory-cache.js';
import type { TokenPair } from '../../auth/auth-service.js';
import { type Core, createCore } from '../../index.js';
import { createLogger } from '../../logger.js';
import { createFakeClock, type FakeClock } from '../../testing/fake-clock.js';
import { testConfig } from '../../testing/test-core.js';
import { createTestDatabase } from '../../testing/test-database.js';

export const probePath = '/__test/probe';
export const proOnlyPath = '/__test/pro-only';
/** A feature only Pro and above carry (see core/catalog/default-catalog.ts). */
export const proOnlyFeature = 'autotrade_sandbox';

/**
 * The real app plus two member routes that do nothing but authenticate: one for any member,
 * one gated on a Pro-only feature. Rate-limit and downgrade tests aim at these, so what they
 * measure is caller auth and nothing else.
 */
export async function buildAppWithProbes(core: Core): Promise<FastifyInstance> {
  const app = await buildApp(core, {
    docs: false,
    mounts: [
      async (scope) => {
        const callerAuth = createCallerAuth(core);
        scope.get(probePath, { preHandler: callerAuth.requireCaller }, async (request) => ({
          kind: request.caller.kind,
          user_id: request.caller.userId,
          tier: request.caller.entitlements?.tier ?? null,
        }));
        scope.get(
          proOnlyPath,
          { preHandler: [callerAuth.requireCaller, callerAuth.requireFeature(proOnlyFeature)] },
          async () => ({ ok: true }),
        );
      },
    ],
  });
  await app.ready();
  return app;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A member with a plan granted by a moderator (null: the free tier), and a signed-in session. */
export async function memberOn(core: Core, planId: string | null, label = randomBytes(4).toString('hex')) {
  const { id: userId } = await core.users.findOrCreate({ email: `${label}@example.com` }, 'test');
  if (planId) await core.grants.grant({ userId, planId, days: 30, expiresAt: null, reason: 'test' }, 'test:moderator');
  const tokens: TokenPair = await core.auth.issueTokens(userId);
  return { userId, tokens, session: bearer(tokens.access_token) };
}

/** Creates an API key through the route, as the member's own session; fails the test unless 201. */
export async function createKeyThroughApi(app: FastifyInstance, session: Record<string, string>, name = 'test') {
  const response = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: session, payload: { name } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; key: string; prefix: string }>();
}

export interface TwinApps {
  cores: [Core, Core];
  apps: [FastifyInstance, FastifyInstance];
  clock: FakeClock;
  close(): Promise<void>;
}

/**
 * Two app instances over one database, as two API processes would run: with TEST_REDIS_URL
 * they share Redis under one prefix (cache, pub/sub, rate-limit windows); without it they share
 * one memory cache object, which stands in for the shared cache but shares no rate windows.
 */
export async function createTwinApps(): Promise<TwinApps> {
  const clock = createFakeClock();
  const database = await createTestDatabase();
  const redisUrl = process.env.TEST_REDIS_URL;
  const config = testConfig();
  const sharedCache = redisUrl ? undefined : createMemoryCache();
  const build = () =>
    createCore({
      config,
      clock,
      database,
      logger: createLogger({ level: 'silent' }),
      ...(sharedCache ? { cache: sharedCache } : {}),
    });
  const first = await build();
  await first.prepareDatabase();
  await first.startWorker({ schedules: false });
  const second = await build();
  const apps: [FastifyInstance, FastifyInstance] = [await buildAppWithProbes(first), await buildAppWithProbes(second)];
  return {
    cores: [first, second],
    apps,
    clock,
    async close() {
      for (const app of apps) await app.close();
      await first.close();
      await second.close();
      await database.close();
    },
  };
}
