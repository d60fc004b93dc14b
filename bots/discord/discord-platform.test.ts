import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AccessResource, type ChatPlatform, PlatformError } from '../../core/ports/chat-platform.js';
import { createDiscordPlatform } from './discord-platform.js';
import { createAccessRest } from './discord-rest.js';
import { type FakeDiscordApi, startFakeDiscordApi } from './testing/fake-discord-api.js';

const guildId = '290926798626357999';
const memberId = '53908232506183680';
const proRole: AccessResource = { kind: 'discord_role', scopeId: guildId, resourceId: '111', label: 'Pro' };

let fake: FakeDiscordApi;
let platform: ChatPlatform;
const strategy = () => platform.strategies[0]!;

async function platformError(work: Promise<unknown>): Promise<PlatformError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

beforeAll(async () => {
  fake = await startFakeDiscordApi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.setRequestsPerSecond(undefined);
  fake.addGuild(guildId, { botRolePosition: 10 });
  fake.addRole(guildId, { id: '111', name: 'Pro', position: 5 });
  fake.addMember(guildId, memberId);
  fake.resetCounters();
  // A fresh client per test: the SDK remembers rate limit state between requests.
  platform = createDiscordPlatform({
    rest: createAccessRest({ token: 'test', apiBase: fake.url, requestsPerSecond: 40 }),
    requestsPerSecond: 40,
  });
});

describe('discord_role strategy', () => {
  it('reads absent, grants, reads held, revokes, and repeats both without error', async () => {
    expect(strategy().kind).toBe('discord_role');
    expect(await strategy().read(memberId, proRole)).toBe('absent');
    expect(await strategy().grant(memberId, proRole)).toEqual({ result: 'granted' });
    expect(await strategy().grant(memberId, proRole)).toEqual({ result: 'granted' });
    expect(fake.memberRoles(guildId, memberId)).toEqual(['111']);
    expect(await strategy().read(memberId, proRole)).toBe('held');
    await strategy().revoke(memberId, proRole);
    await strategy().revoke(memberId, proRole);
    expect(fake.memberRoles(guildId, memberId)).toEqual([]);
    expect(fake.requests.find((request) => request.method === 'PUT')?.headers['x-audit-log-reason']).toBeTruthy();
  });

  it('reports a member who is not in the guild as not_in_scope, and revoking from them succeeds', async () => {
    fake.removeMember(guildId, memberId);
    expect(await strategy().read(memberId, proRole)).toBe('not_in_scope');
    expect(await strategy().grant(memberId, proRole)).toEqual({ result: 'not_in_scope' });
    await expect(strategy().revoke(memberId, proRole)).resolves.toBeUndefined();
  });

  it('classifies a role placed above the bot (Discord 50013) as needing a person', async () => {
    fake.addRole(guildId, { id: '111', name: 'Pro', position: 12 });
    const error = await platformError(strategy().grant(memberId, proRole));
    expect(error).toMatchObject({ code: 'platform_permission_missing', retryable: false, needsPerson: true });
  });

  it('classifies a deleted role (10011) as a missing resource', async () => {
    fake.deleteRole(guildId, '111');
    const error = await platformError(strategy().grant(memberId, proRole));
    expect(error).toMatchObject({ code: 'platform_resource_missing', needsPerson: true });
  });

  it('turns a 429 into a retryable PlatformError carrying Discord’s retry_after', async () => {
    fake.failNext(
      { method: 'PUT', path: /\/roles\// },
      {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 2.5, global: false },
        headers: { 'retry-after': '3', 'x-ratelimit-scope': 'user' },
      },
    );
    const error = await platformError(strategy().grant(memberId, proRole));
    expect(error).toMatchObject({ code: 'platform_rate_limited', retryable: true, needsPerson: false });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(3000);
    expect(fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
  });

  it('waits out a bucket that resets within a moment, sending nothing over the platform’s limit', async () => {
    fake.setRequestsPerSecond(2);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => strategy().read(memberId, proRole)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(fake.rateLimitedCount).toBe(0);
    expect(fake.maxRequestsInAnySecond).toBeLessThanOrEqual(2);
  });

  it('hands a long bucket reset back as platform_rate_limited without sending the request', async () => {
    const bucketAnswer = (remaining: number) => ({
      status: 200,
      body: { user: { id: memberId }, roles: [] },
      headers: {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset-after': '30',
        'x-ratelimit-bucket': 'members-bucket',
      },
    });
    const memberPath = `/guilds/${guildId}/members/${memberId}`;
    // The first answer names the bucket; the second, from that bucket, says it is spent for 30 s.
    fake.failNext({ method: 'GET', path: memberPath }, bucketAnswer(1));
    expect(await strategy().read(memberId, proRole)).toBe('absent');
    fake.failNext({ method: 'GET', path: memberPath }, bucketAnswer(0));
    expect(await strategy().read(memberId, proRole)).toBe('absent');
    const error = await platformError(strategy().read(memberId, proRole));
    expect(error).toMatchObject({ code: 'platform_rate_limited', retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(fake.requests.filter((request) => request.method === 'GET')).toHaveLength(2);
  });

  it('classifies a 5xx and a dropped connection as retryable unavailability', async () => {
    fake.failNext({ method: 'GET', path: `/guilds/${guildId}/members/${memberId}` }, { status: 503 });
    expect(await platformError(strategy().read(memberId, proRole))).toMatchObject({
      code: 'platform_unavailable',
      retryable: true,
    });
    fake.failNext({ method: 'GET', path: `/guilds/${guildId}/members/${memberId}` }, { destroy: true });
    expect(await platformError(strategy().read(memberId, proRole))).toMatchObject({
      code: 'platform_unavailable',
      retryable: true,
    });
  });
});

describe('discord direct messages', () => {
  it('opens a DM channel once and sends the text with link buttons', async () => {
    await platform.sendDirectMessage(memberId, {
      text: 'Payment received: Pro until 1 Dec.',
      links: [{ label: 'Manage', url: 'https://shop.test/manage' }],
    });
    await platform.sendDirectMessage(memberId, { text: 'Access granted.' });
    expect(fake.directMessages.filter((message) => message.recipientId === memberId).slice(-2)).toEqual([
      {
        recipientId: memberId,
        channelId: `dm-${memberId}`,
        content: 'Payment received: Pro until 1 Dec.',
        components: [
          { type: 1, components: [{ type: 2, style: 5, label: 'Manage', url: 'https://shop.test/manage' }] },
        ],
      },
      { recipientId: memberId, channelId: `dm-${memberId}`, content: 'Access granted.', components: [] },
    ]);
    expect(fake.requests.filter((request) => request.path === '/users/@me/channels')).toHaveLength(1);
  });

  it('reports a member who does not accept DMs (50007) as unreachable, not as a problem for a person', async () => {
    fake.blockDirectMessages('42');
    const error = await platformError(platform.sendDirectMessage('42', { text: 'hello' }));
    expect(error).toMatchObject({ code: 'platform_member_unreachable', retryable: false, needsPerson: false });
  });
});

describe('discord preflight', () => {
  it('finds nothing wrong when the bot has Manage Roles above the managed role', async () => {
    expect(await platform.preflight([proRole])).toEqual([]);
  });

  it('reports a missing Manage Roles permission', async () => {
    fake.setBotPermissions(guildId, PermissionFlagsBits.SendMessages);
    expect(await platform.preflight([proRole])).toEqual([
      expect.objectContaining({ code: 'platform_permission_missing' }),
    ]);
  });

  it('accepts Administrator in place of Manage Roles', async () => {
    fake.setBotPermissions(guildId, PermissionFlagsBits.Administrator);
    expect(await platform.preflight([proRole])).toEqual([]);
  });

  it('reports a role at or above the bot’s highest role', async () => {
    fake.addRole(guildId, { id: '111', name: 'Pro', position: 10 });
    expect(await platform.preflight([proRole])).toEqual([
      expect.objectContaining({ code: 'platform_role_above_bot', resource: proRole }),
    ]);
  });

  it('reports a deleted role and a guild the bot is no longer in as missing resources', async () => {
    fake.deleteRole(guildId, '111');
    const goneGuild: AccessResource = { kind: 'discord_role', scopeId: '404', resourceId: '1', label: 'VIP' };
    expect(await platform.preflight([proRole, goneGuild])).toEqual([
      expect.objectContaining({ code: 'platform_resource_missing', resource: proRole }),
      expect.objectContaining({ code: 'platform_resource_missing', resource: goneGuild }),
    ]);
  });

  it('reports an unreachable API instead of throwing', async () => {
    fake.failNext({ path: '/users/@me' }, { status: 502 });
    expect(await platform.preflight([proRole])).toEqual([expect.objectContaining({ code: 'platform_unreachable' })]);
  });
});
