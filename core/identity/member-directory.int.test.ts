import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identities } from '../../db/schema/index.js';
import { isAppError } from '../errors.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('member directory', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('finds a member from every reference format a moderator may type', async () => {
    const discord = await harness.createUser({
      platform: 'discord',
      external_id: '112233445566778899',
      username: 'DiscordAlice',
    });
    const slack = await harness.createUser({ platform: 'slack', external_id: 'U024BE7LH', username: 'alice.s' });
    const telegram = await harness.createUser({ platform: 'telegram', external_id: '777000', username: 'alice_tg' });
    const email = await harness.createUser({ email: 'Carol@Example.com' });
    const resolve = (reference: string, platform: 'discord' | 'telegram' | 'slack' | 'console') =>
      harness.core.members.resolve(reference, platform);

    expect(await resolve(discord.id, 'console')).toBe(discord.id);
    expect(await resolve('carol@example.COM', 'slack')).toBe(email.id);
    expect(await resolve('<@112233445566778899>', 'discord')).toBe(discord.id);
    expect(await resolve('<@!112233445566778899>', 'discord')).toBe(discord.id);
    expect(await resolve('<@U024BE7LH>', 'slack')).toBe(slack.id);
    expect(await resolve('<@U024BE7LH|alice.s>', 'slack')).toBe(slack.id);
    expect(await resolve('@discordalice', 'discord')).toBe(discord.id);
    expect(await resolve('@alice_tg', 'telegram')).toBe(telegram.id);
    expect(await resolve('@alice_tg', 'console')).toBe(telegram.id);
    expect(await resolve('777000', 'telegram')).toBe(telegram.id);
    expect(await resolve('U024BE7LH', 'slack')).toBe(slack.id);
    expect(await resolve('telegram:777000', 'discord')).toBe(telegram.id);

    const notFound = async (reference: string, platform: 'discord' | 'telegram' | 'slack' | 'console') =>
      resolve(reference, platform).then(
        () => 'found',
        (error: unknown) => (isAppError(error) ? `${error.status} ${error.code}` : String(error)),
      );
    // A username or bare id means the moderator's own platform, not another one.
    expect(await notFound('@alice_tg', 'discord')).toBe('404 member_not_found');
    expect(await notFound('777000', 'discord')).toBe('404 member_not_found');
    expect(await notFound('nobody@example.com', 'discord')).toBe('404 member_not_found');
    expect(await notFound('00000000-0000-4000-8000-000000000000', 'discord')).toBe('404 member_not_found');
    expect(await notFound('<script>', 'discord')).toBe('404 member_not_found');
  });

  it('search (the admin pages) finds every member a fragment of email, name or username names, any platform’s exact id, and leaves out folded users', async () => {
    const dora = await harness.createUser({
      email: 'dora.search@example.com',
      platform: 'slack',
      external_id: 'U0SEARCH01',
      username: 'dora_the_trader',
      display_name: 'Dora Marquez',
    });
    const doris = await harness.createUser({ email: 'doris.search@example.com', display_name: 'Doris Day' });
    const ids = async (query: string) => (await harness.core.members.search(query)).map((hit) => hit.user.id).sort();

    expect(await ids('DORA.SEARCH')).toEqual([dora.id]);
    expect(await ids('search@example')).toEqual([dora.id, doris.id].sort());
    expect(await ids('marquez')).toEqual([dora.id]);
    expect(await ids('the_trader')).toEqual([dora.id]);
    expect(await ids('U0SEARCH01')).toEqual([dora.id]);
    expect(await ids('slack:U0SEARCH01')).toEqual([dora.id]);
    expect(await ids(dora.id)).toEqual([dora.id]);
    // A fragment of an id is not an id: a partial platform id finds nobody.
    expect(await ids('U0SEARCH')).toEqual([]);
    // `_` and `%` are matched as themselves, not as LIKE wildcards.
    expect(await ids('_')).toContain(dora.id);
    expect(await ids('_')).not.toContain(doris.id);
    expect(await ids('%')).toEqual([]);
    expect(await ids('   ')).toEqual([]);
    const [hit] = await harness.core.members.search('dora_the');
    expect(hit?.identities.map((identity) => `${identity.platform}:${identity.externalId}`)).toContain(
      'slack:U0SEARCH01',
    );

    await harness.core.db.execute(sql`update users set merged_into_user_id = ${dora.id} where id = ${doris.id}`);
    expect(await ids('search@example')).toEqual([dora.id]);
  });

  it('marks an identity as seen, writing at most once per 10 minutes', async () => {
    await harness.createUser({ platform: 'telegram', external_id: '888000' });
    const seen = async () =>
      (await harness.core.db.select().from(identities).where(eq(identities.externalId, '888000')))[0]?.lastSeenAt;
    const first = harness.clock.now();
    await harness.core.members.touch('telegram', '888000');
    expect(await seen()).toEqual(first);
    harness.clock.advance(5 * 60_000);
    await harness.core.members.touch('telegram', '888000');
    expect(await seen()).toEqual(first);
    harness.clock.advance(5 * 60_000 + 1);
    await harness.core.members.touch('telegram', '888000');
    expect(await seen()).toEqual(harness.clock.now());
  });

  it('a lookup shows plan, identities, payments and subscription of the member', async () => {
    const { id: userId } = await harness.createUser({ platform: 'discord', external_id: '9090', username: 'payer' });
    const link = await harness.core.links.checkoutLink({ userId, planId: 'pro', method: 'card' });
    const opened = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    const checkoutPath = new URL(String(opened.headers.location)).pathname;
    expect((await harness.app.inject({ method: 'POST', url: `${checkoutPath}/pay` })).statusCode).toBe(200);
    await harness.drain();

    const found = await harness.core.members.lookup(userId);
    expect(found.user.id).toBe(userId);
    expect(found.identities.map((identity) => `${identity.platform}:${identity.externalId}`)).toEqual(['discord:9090']);
    expect(found.entitlement).toMatchObject({ tier: 'pro', status: 'active' });
    expect(found.subscription).toMatchObject({ plan_id: 'pro', status: 'active' });
    expect(found.payments).toHaveLength(1);
    expect(found.payments[0]).toMatchObject({ amountMinor: 4900, currency: 'usd', amountRefundedMinor: 0 });
    expect(found.access).toEqual([]);
  });
});
