import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { type AccessResource, PlatformError } from '../../core/ports/chat-platform.js';
import { createFakeClock, type FakeClock } from '../../core/testing/fake-clock.js';
import { createTelegramPlatform, type TelegramPlatform } from './telegram-platform.js';
import { type FakeTelegramApi, startFakeTelegramApi } from './testing/fake-telegram-api.js';

const member = 123456789;
const chat: AccessResource = { kind: 'telegram_chat', scopeId: '', resourceId: '-1001234567890', label: 'Pro Members' };

let fake: FakeTelegramApi;
let clock: FakeClock;
let platform: TelegramPlatform;

const createPlatform = (requestsPerSecond = 1000) =>
  createTelegramPlatform({ token: fake.token, apiRoot: fake.url, clock, inviteTtlMinutes: 60, requestsPerSecond });

beforeEach(async () => {
  clock = createFakeClock();
  fake = await startFakeTelegramApi({ now: () => clock.now() });
  fake.state.addChat({ id: Number(chat.resourceId), title: 'Pro Members', type: 'supergroup' });
  platform = createPlatform();
});

afterEach(async () => {
  await fake.close();
});

const strategy = () => platform.strategies[0]!;
const failureOf = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
};

describe('telegram_chat strategy', () => {
  it('reads a member as held when in the chat (restricted counts only while still a member) and absent otherwise', async () => {
    expect(strategy().kind).toBe('telegram_chat');
    const cases: Array<[Parameters<FakeTelegramApi['state']['setMember']>[2], boolean, 'held' | 'absent']> = [
      ['creator', true, 'held'],
      ['administrator', true, 'held'],
      ['member', true, 'held'],
      ['restricted', true, 'held'],
      ['restricted', false, 'absent'],
      ['left', true, 'absent'],
      ['kicked', true, 'absent'],
    ];
    for (const [status, isMember, expected] of cases) {
      fake.state.setMember(chat.resourceId, member, status, isMember);
      expect(await strategy().read(String(member), chat), `${status} ${isMember}`).toBe(expected);
    }
    expect(fake.calls('getChatMember').at(-1)).toEqual({ chat_id: chat.resourceId, user_id: member });
  });

  it('a grant is a single-use invite link that expires after the configured time', async () => {
    const outcome = await strategy().grant(String(member), chat);
    expect(outcome).toEqual({
      result: 'invited',
      inviteUrl: expect.stringMatching(/^https:\/\/t\.me\/\+/),
      expiresAt: new Date(clock.now().getTime() + 60 * 60_000),
    });
    expect(fake.calls('createChatInviteLink')).toEqual([
      {
        chat_id: chat.resourceId,
        name: `cm:${member}`,
        member_limit: 1,
        expire_date: Math.floor(clock.now().getTime() / 1000) + 3600,
      },
    ]);
    if (outcome.result !== 'invited') throw new Error('expected an invite');
    fake.state.followInvite(member, outcome.inviteUrl);
    expect(await strategy().read(String(member), chat)).toBe('held');
    // Forwarded to someone else, it no longer opens the chat.
    expect(() => fake.state.followInvite(42, outcome.inviteUrl)).toThrow('USERS_TOO_MUCH');

    const late = await strategy().grant('77', chat);
    if (late.result !== 'invited') throw new Error('expected an invite');
    clock.advance(61 * 60_000);
    expect(() => fake.state.followInvite(77, late.inviteUrl)).toThrow('INVITE_HASH_EXPIRED');
  });

  it('a revoke bans then unbans: the member is out, and can come back through a new link after paying', async () => {
    fake.state.setMember(chat.resourceId, member, 'member');
    await strategy().revoke(String(member), chat);
    expect(
      fake.requests.filter((request) => request.method !== 'getChatMember').map((request) => request.method),
    ).toEqual(['banChatMember', 'unbanChatMember']);
    expect(fake.calls('unbanChatMember')).toEqual([
      { chat_id: chat.resourceId, user_id: member, only_if_banned: true },
    ]);
    expect(fake.state.statusOf(chat.resourceId, member)).toBe('left');
    expect(await strategy().read(String(member), chat)).toBe('absent');

    const again = await strategy().grant(String(member), chat);
    if (again.result !== 'invited') throw new Error('expected an invite');
    fake.state.followInvite(member, again.inviteUrl);
    expect(fake.state.statusOf(chat.resourceId, member)).toBe('member');
  });

  it('revoking twice and granting to a member left banned both work (idempotent)', async () => {
    await strategy().revoke(String(member), chat);
    await strategy().revoke(String(member), chat);
    fake.state.setMember(chat.resourceId, member, 'kicked');
    const outcome = await strategy().grant(String(member), chat);
    if (outcome.result !== 'invited') throw new Error('expected an invite');
    fake.state.followInvite(member, outcome.inviteUrl);
    expect(await strategy().read(String(member), chat)).toBe('held');
  });

  it('a 429 becomes a retryable PlatformError carrying retry_after in milliseconds', async () => {
    fake.failNext('getChatMember', {
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      retry_after: 7,
    });
    const error = await failureOf(strategy().read(String(member), chat));
    expect(error).toMatchObject({
      platform: 'telegram',
      code: 'platform_rate_limited',
      retryable: true,
      needsPerson: false,
      retryAfterMs: 7000,
    });
  });

  it('5xx and an unreachable API are retryable; missing chat and missing rights need a person', async () => {
    fake.failNext('banChatMember', { error_code: 502, description: 'Bad Gateway' });
    expect(await failureOf(strategy().revoke(String(member), chat))).toMatchObject({
      code: 'platform_unavailable',
      retryable: true,
    });

    const missing = { ...chat, resourceId: '-100404' };
    expect(await failureOf(strategy().grant(String(member), missing))).toMatchObject({
      code: 'platform_resource_missing',
      needsPerson: true,
      retryable: false,
    });

    fake.state.addChat(
      { id: -100500, title: 'No rights', type: 'supergroup' },
      { canInviteUsers: false, canRestrictMembers: false },
    );
    const noRights = { ...chat, resourceId: '-100500' };
    expect(await failureOf(strategy().grant(String(member), noRights))).toMatchObject({
      code: 'platform_permission_missing',
      needsPerson: true,
    });
    fake.state.addChat({ id: -100501, title: 'Not admin', type: 'supergroup' }, null);
    expect(await failureOf(strategy().revoke(String(member), { ...chat, resourceId: '-100501' }))).toMatchObject({
      code: 'platform_permission_missing',
      needsPerson: true,
    });

    await fake.close();
    expect(await failureOf(strategy().read(String(member), chat))).toMatchObject({
      code: 'platform_unavailable',
      retryable: true,
    });
  });

  it('stays under the configured requests per second even though a revoke costs two requests', async () => {
    fake.setRateLimit(10);
    platform = createPlatform(10);
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, index) => strategy().revoke(String(1000 + index), chat)));
    expect(fake.requests).toHaveLength(24);
    expect(fake.rateLimited).toBe(0);
    expect(fake.maxRequestsInAnySecond()).toBeLessThanOrEqual(10);
    // 24 requests at 10 per second: two full windows, and not much more (the limit is used, not wasted).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('after a 429 no request goes out before retry_after has passed', async () => {
    fake.failNext('getChatMember', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    });
    await failureOf(strategy().read(String(member), chat));
    const refusedAt = fake.requests.at(-1)!.at;
    expect(await strategy().read(String(member), chat)).toBe('absent');
    expect(fake.requests.at(-1)!.at - refusedAt).toBeGreaterThanOrEqual(1000);
  });
});

describe('telegram platform', () => {
  it('a network failure never puts the bot token in a log line', async () => {
    await fake.close();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const raw = await platform.api.getMe().catch((error: unknown) => error);
    const wrapped = await platform.strategies[0]!.read(String(member), chat).catch((error: unknown) => error);
    logger.error({ err: raw }, 'raw');
    logger.error({ err: wrapped }, 'wrapped');
    expect(lines.join('')).toContain('ECONNREFUSED');
    expect(lines.join('')).not.toContain(fake.token.split(':')[1]);
  });

  it('sends a DM with the links as url buttons', async () => {
    fake.state.startedUsers.add(member);
    await platform.sendDirectMessage(String(member), {
      text: 'Payment received for **Pro**. Join the chat:',
      links: [{ label: 'Join Pro Members', url: 'https://t.me/+abc' }],
    });
    expect(fake.messagesTo(member)).toEqual([
      expect.objectContaining({
        text: 'Payment received for <b>Pro</b>. Join the chat:',
        parseMode: 'HTML',
        replyMarkup: { inline_keyboard: [[{ text: 'Join Pro Members', url: 'https://t.me/+abc' }]] },
      }),
    ]);
  });

  it('a DM to a member who never started or blocked the bot fails as member-unreachable, not retryable', async () => {
    const neverStarted = await failureOf(platform.sendDirectMessage(String(member), { text: 'hi' }));
    fake.state.blockedUsers.add(42);
    const blocked = await failureOf(platform.sendDirectMessage('42', { text: 'hi' }));
    for (const error of [neverStarted, blocked])
      expect(error).toMatchObject({ code: 'platform_member_unreachable', retryable: false, needsPerson: false });
  });

  it('preflight passes when the bot is an administrator allowed to invite and ban', async () => {
    expect(await platform.preflight([chat])).toEqual([]);
    expect(fake.calls('getChatMember')).toEqual([{ chat_id: chat.resourceId, user_id: fake.botInfo.id }]);
  });

  it('preflight reports each chat the bot cannot manage, and why', async () => {
    fake.state.addChat({ id: -100501, title: 'Not admin', type: 'supergroup' }, null);
    fake.state.addChat(
      { id: -100502, title: 'No ban', type: 'supergroup' },
      { canInviteUsers: true, canRestrictMembers: false },
    );
    const resources: AccessResource[] = [
      chat,
      { ...chat, resourceId: '-100501', label: 'Not admin' },
      { ...chat, resourceId: '-100502', label: 'No ban' },
      { ...chat, resourceId: '-100404', label: 'Deleted' },
    ];
    const problems = await platform.preflight(resources);
    expect(problems).toEqual([
      {
        code: 'platform_permission_missing',
        resource: resources[1],
        message: expect.stringContaining('not an administrator'),
      },
      { code: 'platform_permission_missing', resource: resources[2], message: expect.stringContaining('Ban users') },
      { code: 'platform_resource_missing', resource: resources[3], message: expect.stringContaining('chat not found') },
    ]);
  });

  it('preflight reports a rejected token once instead of failing every chat', async () => {
    const wrongToken = createTelegramPlatform({
      token: '1:wrong',
      apiRoot: fake.url,
      clock,
      inviteTtlMinutes: 60,
      requestsPerSecond: 100,
    });
    expect(await wrongToken.preflight([chat])).toEqual([
      { code: 'platform_permission_missing', message: expect.stringContaining('Unauthorized') },
    ]);
  });
});
