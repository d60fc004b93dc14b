import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyThroughApi, memberOn } from '../core/auth/testing/api-test-kit.js';
import { sandboxShop } from '../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

const redisUrl = process.env.TEST_REDIS_URL;

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Every key of every kind the app writes, when the app does each thing that touches Redis. */
async function useEveryRedisPart(test: TestApp) {
  const { id: userId } = await test.createUser({ email: `${randomBytes(4).toString('hex')}@example.com` });
  await sandboxShop(() => test).subscribe(userId, 'pro');
  const entitlements = await test.app.inject({
    method: 'GET',
    url: `/v1/entitlements/${userId}`,
    headers: adminHeaders,
  });
  expect(entitlements.statusCode).toBe(200);
  const member = await memberOn(test.core, 'pro');
  const key = await createKeyThroughApi(test.app, member.session);
  const limited = await test.app.inject({
    method: 'GET',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${key.key}` },
  });
  expect(limited.headers['x-ratelimit-limit']).toBeDefined();
}

// Embedded mode has no Redis to share.
describe.skipIf(!redisUrl)('two deployments on one Redis (PostgreSQL + Redis run only)', () => {
  const prefixes = [`deploy-a-${randomBytes(3).toString('hex')}:`, `deploy-b-${randomBytes(3).toString('hex')}:`];
  let deployments: TestApp[];
  let redis: Redis;
  beforeAll(async () => {
    deployments = [
      await createTestApp({ REDIS_PREFIX: prefixes[0]! }),
      await createTestApp({ REDIS_PREFIX: prefixes[1]! }),
    ];
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    for (const deployment of deployments) await deployment.close();
    for (const prefix of prefixes) {
      const keys = await keysUnder(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('every key a deployment writes (cache, queues, rate limits) lives under its own REDIS_PREFIX', async () => {
    const before = new Set(await keysUnder(redis, ''));
    await useEveryRedisPart(deployments[0]!);
    const written = (await keysUnder(redis, '')).filter((key) => !before.has(key));
    const outsideTestSpaces = written.filter((key) => !key.startsWith('test:') && !key.startsWith(prefixes[0]!));
    expect(outsideTestSpaces).toEqual([]);
    const own = await keysUnder(redis, prefixes[0]!);
    expect(own.some((key) => key.startsWith(`${prefixes[0]}bull`))).toBe(true);
    expect(own.some((key) => key.startsWith(`${prefixes[0]}ratelimit:`))).toBe(true);
    expect(
      own.some((key) => !key.startsWith(`${prefixes[0]}bull`) && !key.startsWith(`${prefixes[0]}ratelimit:`)),
    ).toBe(true);
    expect(await keysUnder(redis, prefixes[1]!)).toEqual(expect.not.arrayContaining(own));
  });
});
