import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { type AccessResource, PlatformError } from '../../core/ports/chat-platform.js';
import { createFakeClock, type FakeClock } from '../../core/testing/fake-clock.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackPlatform, type SlackPlatform } from './slack-platform.js';
import { type FakeSlackApi, startFakeSlackApi } from './testing/fake-slack-api.js';

const proChannel: AccessResource = { kind: 'slack_channel', scopeId: '', resourceId: 'G0PRO00001', label: '#pro' };

const rejection = async (promise: Promise<unknown>): Promise<PlatformError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
};

describe('the Slack platform against a local Slack Web API', () => {
  let fake: FakeSlackApi;
  let clock: FakeClock;
  let platform: SlackPlatform;

  beforeEach(async () => {
    fake = await startFakeSlackApi();
    clock = createFakeClock();
    fake.addUser({ id: 'U0ALICE001', name: 'alice' });
    fake.addUser({ id: 'U0BOB00001', name: 'bob' });
    fake.addUser({ id: 'U0GONE0001', name: 'gone', deleted: true });
    fake.addChannel({ id: proChannel.resourceId, name: 'pro', members: ['U0ALICE001'] });
    platform = createSlackPlatform({ token: fake.token, apiUrl: fake.apiUrl, requestsPerSecond: 0.8, clock });
  });
  afterEach(async () => {
    await fake.close();
  });

  const strategy = () => platform.strategies[0]!;

  it('registers one strategy, for slack_channel, and reports the configured rate', () => {
    expect(platform.strategies.map((candidate) => candidate.kind)).toEqual(['slack_channel']);
    expect(platform.requestsPerSecond).toBe(0.8);
  });

  it('reads held, absent, and not_in_scope for unknown or deactivated users', async () => {
    expect(await strategy().read('U0ALICE001', proChannel)).toBe('held');
    expect(await strategy().read('U0BOB00001', proChannel)).toBe('absent');
    expect(await strategy().read('U0NOBODY01', proChannel)).toBe('not_in_scope');
    expect(await strategy().read('U0GONE0001', proChannel)).toBe('not_in_scope');
  });

  it('lists a channel once for many reads, across pages, until the listing expires', async () => {
    const many = Array.from({ length: 1500 }, (_, index) => `U${String(index).padStart(9, '0')}`);
    for (const id of many) fake.addUser({ id, name: id });
    fake.addChannel({ id: 'G0BIG00001', name: 'big', members: many });
    const big: AccessResource = { ...proChannel, resourceId: 'G0BIG00001' };
    const states = await Promise.all(many.map((id) => strategy().read(id, big)));
    expect(new Set(states)).toEqual(new Set(['held']));
    expect(fake.calls('conversations.members')).toHaveLength(2);

    clock.advance(61_000);
    await strategy().read(many[0]!, big);
    expect(fake.calls('conversations.members')).toHaveLength(4);
  });

  it('says a read is local (costs no rate-limit slot) only while the listing and the user are fresh', async () => {
    expect(strategy().readIsLocal?.('U0ALICE001', proChannel)).toBe(false);
    await strategy().read('U0ALICE001', proChannel);
    expect(strategy().readIsLocal?.('U0ALICE001', proChannel)).toBe(true);
    expect(strategy().readIsLocal?.('U0BOB00001', proChannel)).toBe(false);
    await strategy().read('U0BOB00001', proChannel);
    const requests = fake.calls('users.info').length + fake.calls('conversations.members').length;
    expect(strategy().readIsLocal?.('U0BOB00001', proChannel)).toBe(true);
    expect(await strategy().read('U0BOB00001', proChannel)).toBe('absent');
    expect(fake.calls('users.info').length + fake.calls('conversations.members').length).toBe(requests);
    clock.advance(61_000);
    expect(strategy().readIsLocal?.('U0ALICE001', proChannel)).toBe(false);
  });

  it('grant invites the member, and the next read sees it without listing the channel again', async () => {
    expect(await strategy().read('U0BOB00001', proChannel)).toBe('absent');
    expect(await strategy().grant('U0BOB00001', proChannel)).toEqual({ result: 'granted' });
    expect(fake.isMember(proChannel.resourceId, 'U0BOB00001')).toBe(true);
    expect(await strategy().read('U0BOB00001', proChannel)).toBe('held');
    expect(fake.calls('conversations.members')).toHaveLength(1);
  });

  it('grant is idempotent: a member already in the channel counts as granted', async () => {
    expect(await strategy().grant('U0ALICE001', proChannel)).toEqual({ result: 'granted' });
    expect(fake.calls('conversations.invite').map((call) => call.error)).toEqual(['already_in_channel']);
  });

  it('grant to someone not in the workspace is not_in_scope, not an error', async () => {
    expect(await strategy().grant('U0NOBODY01', proChannel)).toEqual({ result: 'not_in_scope' });
  });

  it('revoke kicks the member, and revoking someone not in the channel succeeds', async () => {
    await strategy().read('U0ALICE001', proChannel);
    await strategy().revoke('U0ALICE001', proChannel);
    expect(fake.isMember(proChannel.resourceId, 'U0ALICE001')).toBe(false);
    expect(await strategy().read('U0ALICE001', proChannel)).toBe('absent');
    await strategy().revoke('U0BOB00001', proChannel);
    expect(fake.calls('conversations.kick').map((call) => call.error)).toEqual([undefined, 'not_in_channel']);
  });

  it('a member who left by hand is seen after the listing expires', async () => {
    expect(await strategy().read('U0ALICE001', proChannel)).toBe('held');
    fake.channels.get(proChannel.resourceId)!.members.delete('U0ALICE001');
    expect(await strategy().read('U0ALICE001', proChannel)).toBe('held');
    clock.advance(61_000);
    expect(await strategy().read('U0ALICE001', proChannel)).toBe('absent');
  });

  it('a 429 becomes a retryable platform_rate_limited error carrying Retry-After, with no retry of its own', async () => {
    fake.fail('conversations.invite', { rateLimited: { retryAfterSeconds: 7 } });
    const error = await rejection(strategy().grant('U0BOB00001', proChannel));
    expect(error.code).toBe('platform_rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.needsPerson).toBe(false);
    expect(error.retryAfterMs).toBe(7000);
    expect(fake.calls('conversations.invite')).toHaveLength(1);
  });

  it('the fake’s own rate limit answers 429 past the limit, and the platform reports it', async () => {
    fake.setRateLimit({ requestsPerSecond: 2, methods: ['conversations.kick'] });
    await strategy().revoke('U0BOB00001', proChannel);
    await strategy().revoke('U0BOB00001', proChannel);
    const error = await rejection(strategy().revoke('U0BOB00001', proChannel));
    expect(error.code).toBe('platform_rate_limited');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(fake.rateLimitedCount('conversations.kick')).toBe(1);
    expect(fake.maxRequestsInWindow({ methods: ['conversations.kick'] })).toBe(3);
  });

  it('Slack 5xx and network failures are retryable platform_unavailable', async () => {
    fake.fail('conversations.kick', { status: 503 });
    expect((await rejection(strategy().revoke('U0ALICE001', proChannel))).code).toBe('platform_unavailable');
    fake.fail('conversations.invite', { error: 'internal_error' });
    const internal = await rejection(strategy().grant('U0BOB00001', proChannel));
    expect(internal.code).toBe('platform_unavailable');
    expect(internal.retryable).toBe(true);

    const unreachable = createSlackPlatform({
      token: fake.token,
      apiUrl: 'http://127.0.0.1:9/api/',
      requestsPerSecond: 1,
      clock,
      logger: boltLogger(createLogger({ level: 'silent' })),
    });
    const network = await rejection(unreachable.strategies[0]!.grant('U0BOB00001', proChannel));
    expect(network.code).toBe('platform_unavailable');
  });

  it('a missing scope or a refused kick needs a person, not a retry', async () => {
    fake.fail('conversations.invite', { error: 'missing_scope', needed: 'groups:write' });
    const scope = await rejection(strategy().grant('U0BOB00001', proChannel));
    expect(scope.code).toBe('platform_permission_missing');
    expect(scope.needsPerson).toBe(true);
    expect(scope.message).toContain('groups:write');

    fake.fail('conversations.kick', { error: 'restricted_action' });
    const kick = await rejection(strategy().revoke('U0ALICE001', proChannel));
    expect(kick.code).toBe('platform_permission_missing');
    expect(kick.retryable).toBe(false);
  });

  it('a private channel the bot was not invited to is platform_resource_missing, naming the fix', async () => {
    fake.addChannel({ id: 'G0HIDDEN01', name: 'hidden', botIsMember: false });
    const hidden: AccessResource = { ...proChannel, resourceId: 'G0HIDDEN01', label: '#hidden' };
    const error = await rejection(strategy().grant('U0BOB00001', hidden));
    expect(error.code).toBe('platform_resource_missing');
    expect(error.message).toContain('invited');
    expect((await rejection(strategy().read('U0BOB00001', hidden))).code).toBe('platform_resource_missing');
  });

  it('a public channel the bot is not in: invite needs a person who invites the bot', async () => {
    fake.addChannel({ id: 'C0PUBLIC01', name: 'lobby', isPrivate: false, botIsMember: false });
    const lobby: AccessResource = { ...proChannel, resourceId: 'C0PUBLIC01', label: '#lobby' };
    const error = await rejection(strategy().grant('U0BOB00001', lobby));
    expect(error.code).toBe('platform_permission_missing');
    expect(error.message).toContain('invite the bot to #lobby');
  });

  it('sends a DM as blocks with link buttons to the member’s user id', async () => {
    await platform.sendDirectMessage('U0ALICE001', {
      text: 'Payment received: **Pro**',
      links: [{ label: 'Manage', url: 'https://shop.test/m/1' }],
    });
    const [message] = fake.messagesTo('U0ALICE001');
    expect(message?.text).toBe('Payment received: *Pro*');
    expect(message?.blocks).toContainEqual(
      expect.objectContaining({
        type: 'actions',
        elements: [expect.objectContaining({ url: 'https://shop.test/m/1' })],
      }),
    );
  });

  it('a DM to someone Slack cannot reach is platform_member_unreachable (no retry, no person)', async () => {
    const error = await rejection(platform.sendDirectMessage('U0GONE0001', { text: 'hi' }));
    expect(error.code).toBe('platform_member_unreachable');
    expect(error.retryable).toBe(false);
    expect(error.needsPerson).toBe(false);
  });

  describe('preflight', () => {
    it('finds nothing wrong when the bot is in every private channel and has its scopes', async () => {
      expect(await platform.preflight([proChannel])).toEqual([]);
      expect(fake.calls('auth.test')).toHaveLength(1);
      expect(fake.calls('conversations.info')).toHaveLength(1);
    });

    it('reports a channel that does not exist (or hides from the bot) as platform_resource_missing', async () => {
      const missing = { ...proChannel, resourceId: 'G0MISSING1', label: '#gone' };
      expect(await platform.preflight([proChannel, missing])).toEqual([
        {
          code: 'platform_resource_missing',
          resource: missing,
          message: 'Slack channel #gone was not found; if it is private, invite the bot to it first',
        },
      ]);
    });

    it('reports a channel the bot can see but is not in as platform_permission_missing: invite the bot', async () => {
      fake.addChannel({ id: 'C0PUBLIC01', name: 'lobby', isPrivate: false, botIsMember: false });
      const lobby = { ...proChannel, resourceId: 'C0PUBLIC01', label: '#lobby' };
      const [problem] = await platform.preflight([lobby]);
      expect(problem?.code).toBe('platform_permission_missing');
      expect(problem?.message).toContain('invite the bot to #lobby');
    });

    it('reports missing scopes, a missing_scope answer, and an archived channel', async () => {
      fake.setScopes(['commands', 'chat:write']);
      fake.fail('conversations.info', { error: 'missing_scope', needed: 'groups:read' });
      fake.addChannel({ id: 'G0ARCHIVE1', name: 'old' }).archived = true;
      const archived = { ...proChannel, resourceId: 'G0ARCHIVE1', label: '#old' };
      const problems = await platform.preflight([proChannel, archived]);
      expect(problems.map((problem) => problem.code)).toEqual([
        'platform_permission_missing',
        'platform_permission_missing',
        'platform_resource_missing',
      ]);
      expect(problems[0]?.message).toContain('users:read, groups:read, groups:write');
      expect(problems[1]?.message).toContain('groups:read');
    });

    it('reports a rejected token once, without checking channels', async () => {
      const wrongToken = createSlackPlatform({ token: 'xoxb-wrong', apiUrl: fake.apiUrl, requestsPerSecond: 1, clock });
      const problems = await wrongToken.preflight([proChannel]);
      expect(problems).toEqual([expect.objectContaining({ code: 'platform_permission_missing' })]);
      expect(problems[0]?.message).toContain('invalid_auth');
      expect(fake.calls('conversations.info')).toHaveLength(0);
    });

    it('reports Slack being down as platform_unreachable', async () => {
      fake.fail('auth.test', { status: 502 });
      expect(await platform.preflight([proChannel])).toEqual([
        expect.objectContaining({ code: 'platform_unreachable' }),
      ]);
    });
  });
});
