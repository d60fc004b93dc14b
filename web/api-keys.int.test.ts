import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../core/api-keys/api-key-format.js';
import {
  bearer,
  buildAppWithProbes,
  createKeyThroughApi,
  createTwinApps,
  memberOn,
  probePath,
} from '../core/auth/testing/api-test-kit.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { apiKeys } from '../db/schema/index.js';

let test: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  test = await createTestApp();
  app = await buildAppWithProbes(test.core);
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

const probe = (key: string) => app.inject({ method: 'GET', url: probePath, headers: bearer(key) });

describe('API keys', () => {
  it('a key is shown once: stored only as its SHA-256 with a visible prefix, and lists never carry the secret', async () => {
    const member = await memberOn(test.core, 'pro');
    const created = await createKeyThroughApi(app, member.session, 'my bot');
    expect(created.key).toMatch(/^ck_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
    expect(created.key.slice(3, 11)).toBe(created.prefix);
    const [row] = await test.core.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.secretHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));

    const listed = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: member.session });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.key.slice(12));
    expect(listed.json().keys).toEqual([
      expect.objectContaining({ id: created.id, name: 'my bot', prefix: created.prefix }),
    ]);

    const used = await probe(created.key);
    expect(used.statusCode).toBe(200);
    expect(used.json()).toEqual({ kind: 'api_key', user_id: member.userId, tier: 'pro' });
  });

  it('rotation: the old key is refused at once, the new one works and is shown only in the rotate answer', async () => {
    const member = await memberOn(test.core, 'pro');
    const old = await createKeyThroughApi(app, member.session);
    expect((await probe(old.key)).statusCode).toBe(200);
    const rotated = await app.inject({ method: 'POST', url: `/v1/api-keys/${old.id}/rotate`, headers: member.session });
    expect(rotated.statusCode).toBe(201);
    const successor = rotated.json<{ id: string; key: string; replaced_id: string }>();
    expect(successor.replaced_id).toBe(old.id);
    expect(successor.key).not.toBe(old.key);

    const refused = await probe(old.key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('unauthorized');
    expect((await probe(successor.key)).statusCode).toBe(200);
    const listed = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: member.session });
    expect(listed.json().keys.map((key: { id: string }) => key.id)).toEqual([successor.id]);
    expect(listed.body).not.toContain(successor.key.slice(12));
    const again = await app.inject({ method: 'POST', url: `/v1/api-keys/${old.id}/rotate`, headers: member.session });
    expect(again.statusCode).toBe(409);
  });

  it('a revoked key is refused at once, and an edited key or garbage is 401 unauthorized', async () => {
    const member = await memberOn(test.core, 'pro');
    const created = await createKeyThroughApi(app, member.session);
    expect((await probe(created.key)).statusCode).toBe(200);
    const revoked = await app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: member.session });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await probe(created.key)).statusCode).toBe(401);

    const live = await createKeyThroughApi(app, member.session);
    const edited = `${live.key.slice(0, -1)}${live.key.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [edited, 'ck_nothing', 'garbage', 'a.b.c']) {
      const response = await probe(token);
      expect(response.statusCode, token).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
    const none = await app.inject({ method: 'GET', url: probePath });
    expect(none.statusCode).toBe(401);
  });

  it('only members with API access get keys, and an API key cannot mint more keys', async () => {
    const free = await memberOn(test.core, null);
    const refused = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: free.session, payload: {} });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('api_access_required');

    const core = await memberOn(test.core, 'core');
    const { key } = await createKeyThroughApi(app, core.session);
    const minted = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(key), payload: {} });
    expect(minted.statusCode).toBe(403);
    expect(minted.json().error.code).toBe('credential_kind_forbidden');
  });

  it('signals:publish keys are the admin key’s to issue: a member asking for one gets 403', async () => {
    const member = await memberOn(test.core, 'vip');
    const asked = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: member.session,
      payload: { scopes: ['signals:publish'] },
    });
    expect(asked.statusCode).toBe(403);
    expect(asked.json().error.code).toBe('scope_forbidden');

    const issued = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: adminHeaders,
      payload: { user_id: member.userId, name: 'publisher', scopes: ['signals:publish'] },
    });
    expect(issued.statusCode).toBe(201);
    expect(issued.json().scopes).toEqual(['signals:publish']);
    const verified = await test.core.apiKeys.verify(issued.json().key);
    expect(verified?.scopes).toEqual(['signals:publish']);
  });

  it('a member holds at most 10 active keys', async () => {
    const member = await memberOn(test.core, 'pro');
    for (let count = 0; count < 10; count += 1) await createKeyThroughApi(app, member.session);
    const eleventh = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: member.session, payload: {} });
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().error.code).toBe('api_key_limit');
  });
});

describe('API keys across API processes', () => {
  it('a key revoked on one instance is refused by the other as soon as the invalidation arrives', async () => {
    const twins = await createTwinApps();
    try {
      const [first, second] = twins.apps;
      const member = await memberOn(twins.cores[0], 'pro');
      const { id, key } = await createKeyThroughApi(first, member.session);
      // The second instance has the key in its caches now.
      expect((await second.inject({ method: 'GET', url: probePath, headers: bearer(key) })).statusCode).toBe(200);
      const invalidated = new Promise<void>((resolve) =>
        twins.cores[1].cache.onInvalidate((namespace) => {
          if (namespace === 'api-keys') resolve();
        }),
      );
      const revoked = await first.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: member.session });
      expect(revoked.statusCode).toBe(200);
      await invalidated;
      const refused = await second.inject({ method: 'GET', url: probePath, headers: bearer(key) });
      expect(refused.statusCode).toBe(401);
    } finally {
      await twins.close();
    }
  });
});
