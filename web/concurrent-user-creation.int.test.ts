import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { identities, users } from '../db/schema/index.js';

/**
 * First contact races: a client retrying, or a new member sending two bot commands at once,
 * resolves one person several times concurrently. Every caller gets the same single row, and
 * none gets a 500 from the unique index that decided the race.
 */
describe('find-or-create under concurrency', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const createConcurrently = async (payload: Record<string, string>, callers = 10) =>
    Promise.all(
      Array.from({ length: callers }, () =>
        harness.app.inject({ method: 'POST', url: '/v1/users', headers: adminHeaders, payload }),
      ),
    );

  const expectOneUser = (responses: Awaited<ReturnType<typeof createConcurrently>>) => {
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    const bodies = responses.map((response) => response.json<{ id: string; created: boolean }>());
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1);
    expect(bodies.filter((body) => body.created)).toHaveLength(1);
    return bodies[0]!.id;
  };

  it('ten concurrent POST /v1/users for one new email all answer 200 with one id', async () => {
    const id = expectOneUser(await createConcurrently({ email: 'race-email@example.com' }));
    const rows = await harness.core.db.select().from(users).where(eq(users.email, 'race-email@example.com'));
    expect(rows.map((row) => row.id)).toEqual([id]);
  });

  it('ten concurrent first contacts from one chat account make one user and no orphans', async () => {
    const [before] = await harness.core.db.select({ total: count() }).from(users);
    const id = expectOneUser(await createConcurrently({ platform: 'telegram', external_id: '777000111' }));
    const [after] = await harness.core.db.select({ total: count() }).from(users);
    expect(after!.total - before!.total).toBe(1);
    const linked = await harness.core.db.select().from(identities).where(eq(identities.externalId, '777000111'));
    expect(linked.map((row) => row.userId)).toEqual([id]);
  });

  it('ten concurrent calls with an email and a chat account make one user holding the identity', async () => {
    const [before] = await harness.core.db.select({ total: count() }).from(users);
    const id = expectOneUser(
      await createConcurrently({ email: 'race-both@example.com', platform: 'discord', external_id: '4242424242' }),
    );
    const [after] = await harness.core.db.select({ total: count() }).from(users);
    expect(after!.total - before!.total).toBe(1);
    const linked = await harness.core.db.select().from(identities).where(eq(identities.externalId, '4242424242'));
    expect(linked.map((row) => row.userId)).toEqual([id]);
  });

  it('an existing user is found, not created again, whichever identifier is given', async () => {
    const first = await harness.createUser({ email: 'known@example.com', platform: 'slack', external_id: 'U0KNOWN' });
    expect(first.created).toBe(true);
    expect(await harness.createUser({ email: 'KNOWN@example.com' })).toEqual({ id: first.id, created: false });
    expect(await harness.createUser({ platform: 'slack', external_id: 'U0KNOWN' })).toEqual({
      id: first.id,
      created: false,
    });
    // A new chat account for a known email joins that user.
    expect(
      await harness.createUser({ email: 'known@example.com', platform: 'telegram', external_id: '5550001' }),
    ).toEqual({ id: first.id, created: false });
  });
});
