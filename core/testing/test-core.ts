import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import { buildApp } from '../../web/app.js';
import { sandboxSignatureHeader, signSandboxPayload } from '../billing/providers/sandbox/sandbox-signature.js';
import { loadConfig } from '../config.js';
import { type Core, createCore } from '../index.js';
import { createLogger } from '../logger.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { createTestDatabase } from './test-database.js';

export const testAdminKey = 'adm_test_0123456789abcdefghijklmnop';
export const adminHeaders = { authorization: `Bearer ${testAdminKey}` };

export interface TestApp {
  core: Core;
  app: FastifyInstance;
  clock: FakeClock;
  /** POST /v1/users as an admin (find or create); fails the test unless it answers 200. */
  createUser(payload: Record<string, string>): Promise<{ id: string; created: boolean }>;
  /** POSTs a body to the sandbox webhook route, signed as the sandbox signs it at the test clock's time. */
  postSandboxWebhook(body: string): Promise<LightMyRequestResponse>;
  /** Runs queued jobs until nothing is ready (delayed retries excluded). */
  drain(): Promise<void>;
  /** Turns the member pages' rollout flag on for everyone (it starts off, as in production). */
  openMemberPages(): Promise<void>;
  close(): Promise<void>;
}

/** The config every test core runs with: quiet, test keys, Redis when TEST_REDIS_URL is set. */
export function testConfig(environment: Record<string, string> = {}) {
  const redisUrl = process.env.TEST_REDIS_URL;
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: testAdminKey,
    PUBLIC_URL: 'http://shop.test',
    // Each test app gets its own key space, so test files can share one Redis.
    REDIS_PREFIX: `test:${randomBytes(5).toString('hex')}:`,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...environment,
  });
}

/**
 * The whole product on a fresh database with a movable clock: PGlite and the in-process
 * queue by default; real Postgres, Redis and BullMQ when TEST_DATABASE_URL / TEST_REDIS_URL are set.
 */
export async function createTestApp(
  environment: Record<string, string> = {},
  options: { logger?: Logger; clock?: FakeClock } = {},
): Promise<TestApp> {
  const clock = options.clock ?? createFakeClock();
  const database = await createTestDatabase();
  const config = testConfig(environment);
  const core = await createCore({
    config,
    clock,
    database,
    logger: options.logger ?? createLogger({ level: config.LOG_LEVEL }),
  });
  await core.prepareDatabase();
  await core.startWorker({ schedules: false });
  const app = await buildApp(core, { docs: environment.DOCS === 'on' });
  await app.ready();
  return {
    core,
    app,
    clock,
    async createUser(payload) {
      const response = await app.inject({ method: 'POST', url: '/v1/users', headers: adminHeaders, payload });
      expect(response.statusCode).toBe(200);
      return response.json<{ id: string; created: boolean }>();
    },
    postSandboxWebhook(body) {
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      return app.inject({
        method: 'POST',
        url: '/v1/webhooks/sandbox',
        headers: {
          'content-type': 'application/json',
          [sandboxSignatureHeader]: signSandboxPayload(body, config.SANDBOX_WEBHOOK_SECRET, timestamp),
        },
        payload: body,
      });
    },
    async drain() {
      // A job may enqueue more jobs (event -> entitlements.changed): settle until quiet.
      await core.funnel.settle();
      for (let round = 0; round < 5; round += 1) await core.queue.idle();
    },
    async openMemberPages() {
      await core.featureFlags.set('billing_pages', { mode: 'on', allowList: [], percentage: 0 }, 'test');
    },
    async close() {
      await app.close();
      await core.close();
      await database.close();
    },
  };
}
