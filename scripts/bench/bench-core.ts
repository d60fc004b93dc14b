import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../core/config.js';
import { type Core, createCore } from '../../core/index.js';

/** What a bench process needs to build the same core as every other bench process. */
export interface BenchCoreSpec {
  /** A Postgres database (already created); unset: PGlite in a fresh temporary directory. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminKey: string;
  stripeWebhookSecret: string;
}

export const newBenchSecrets = () => ({
  adminKey: `adm_bench_${randomBytes(16).toString('hex')}`,
  stripeWebhookSecret: `whsec_bench_${randomBytes(16).toString('hex')}`,
});

export interface BenchCore {
  core: Core;
  dispose(): Promise<void>;
}

/**
 * The production configuration minus the network: Stripe mode (so the webhook route verifies
 * real Stripe signatures; STRIPE_API_BASE points at a closed port, nothing leaves the machine),
 * the sandbox off, logging silent, no bots. The worker is never started here: ingest only nudges
 * the queue. NODE_ENV stays development: production's start-up checks demand a database server
 * and an https PUBLIC_URL, which the embedded target and a loopback server cannot give, and
 * nothing else on these paths reads it.
 */
export async function createBenchCore(
  spec: BenchCoreSpec,
  /** Settings a bench adds or changes (the bot bench points the bots at local fakes). */
  environment: Record<string, string> = {},
): Promise<BenchCore> {
  const dataDir = spec.databaseUrl ? undefined : mkdtempSync(path.join(tmpdir(), 'cm-bench-'));
  const config = loadConfig({
    NODE_ENV: 'development',
    SANDBOX_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    ADMIN_API_KEY: spec.adminKey,
    BILLING_PROVIDER_MODE: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_bench_local_only',
    STRIPE_WEBHOOK_SECRET: spec.stripeWebhookSecret,
    STRIPE_API_BASE: 'http://127.0.0.1:9',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}),
    ...(spec.redisUrl ? { REDIS_URL: spec.redisUrl } : {}),
    REDIS_PREFIX: `bench:${randomBytes(5).toString('hex')}:`,
    ...environment,
  });
  const redisPrefix = config.REDIS_PREFIX;
  const core = await createCore({ config });
  await core.prepareDatabase();
  return {
    core,
    async dispose() {
      await core.close();
      if (spec.redisUrl) await deleteRedisKeys(spec.redisUrl, redisPrefix);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bench's cache entries and queued nudges go with it. */
async function deleteRedisKeys(url: string, prefix: string) {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
