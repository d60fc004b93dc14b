import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createFakeClock, type FakeClock } from '../../core/testing/fake-clock.js';
import { readFixture, readJsonFixture } from '../../core/testing/fixtures.js';
import { createRouterDouble } from '../testing/router-double.js';
import { createSlackBot, type SlackBot } from './create-slack-bot.js';
import { linkButtonPrefix } from './render-slack-reply.js';
import { type FakeSlackApi, startFakeSlackApi } from './testing/fake-slack-api.js';
import { signSlackRequest } from './testing/sign-slack-request.js';

const signingSecret = 'test_signing_secret_0123456789abcdef';
const fixtureTimestamp = 1721954100;

/** The command table's parser with recorded calls and scripted answers, so only the transport is under test. */
const createSlackRouterDouble = () =>
  createRouterDouble({
    run: (invocation) => ({ title: 'Done', text: `ran **${invocation.name}**`, private: true }),
  });

interface SignedFixture {
  raw_body_file: string;
  headers: Record<string, string>;
}

const signedFixture = (name: string) => {
  const fixture = readJsonFixture<SignedFixture>('slack', 'signed', name);
  return {
    body: readFixture('slack', 'signed', fixture.raw_body_file),
    headers: Object.fromEntries(Object.entries(fixture.headers).map(([key, value]) => [key.toLowerCase(), value])),
  };
};

describe('the Slack bot over HTTP (Bolt on Fastify, signed requests, Web API on a local fake)', () => {
  let fake: FakeSlackApi;
  let clock: FakeClock;
  let double: ReturnType<typeof createSlackRouterDouble>;
  let bot: SlackBot;
  let server: FastifyInstance;

  beforeEach(async () => {
    fake = await startFakeSlackApi();
    fake.addUser({ id: 'U2CERLKJA', name: 'roadrunner' });
    fake.addUser({ id: 'U0ADMIN001', name: 'boss', admin: true });
    fake.addChannel({ id: 'C07ABCDEF12', name: 'general', isPrivate: false, members: ['U2CERLKJA'] });
    clock = createFakeClock(new Date((fixtureTimestamp + 5) * 1000));
    double = createSlackRouterDouble();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.apiUrl,
    });
    bot = createSlackBot({
      core: { config, clock },
      router: double.router,
      logger: createLogger({ level: 'silent' }),
      timing: { replyBudgetMs: 150 },
    });
    server = Fastify();
    for (const mount of bot.mounts) await server.register(mount);
    await server.ready();
    await bot.start();
  });
  afterEach(async () => {
    await bot.stop();
    await server.close();
    await fake.close();
  });

  /** Signs `body` at the clock's time, as Slack would. */
  const post = (url: string, body: string, contentType: string, extraHeaders: Record<string, string> = {}) =>
    server.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': contentType,
        ...signSlackRequest({ signingSecret, body, timestamp: Math.floor(clock.now().getTime() / 1000) }),
        ...extraHeaders,
      },
    });

  const command = (fields: Record<string, string>) => {
    const base = readJsonFixture<Record<string, string>>('slack', 'commands', 'subscribe.decoded.json');
    return post(
      '/v1/slack/commands',
      new URLSearchParams({ ...base, response_url: fake.responseUrl(), ...fields }).toString(),
      'application/x-www-form-urlencoded',
    );
  };

  const event = (envelope: Record<string, unknown>, headers: Record<string, string> = {}) =>
    post('/v1/slack/events', JSON.stringify(envelope), 'application/json', headers);

  const blockActions = (change: (payload: Record<string, unknown>) => void) => {
    const payload = readJsonFixture<Record<string, unknown>>(
      'slack',
      'interactivity',
      'block_actions.subscribe_button.json',
    );
    payload.response_url = fake.responseUrl('actions/T1DC2JH3J/1/xyz');
    change(payload);
    return post(
      '/v1/slack/actions',
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
  };

  it('acks the signed /subscribe fixture within 3 s with the rendered reply, ephemeral', async () => {
    const { body, headers } = signedFixture('subscribe.form-urlencoded.json');
    const started = performance.now();
    const response = await server.inject({ method: 'POST', url: '/v1/slack/commands', payload: body, headers });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      response_type: 'ephemeral',
      text: '*Done*\nran *subscribe*',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Done', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: 'ran *subscribe*' } },
      ],
    });
    expect(double.runs).toEqual([
      {
        actor: {
          platform: 'slack',
          externalId: 'U2CERLKJA',
          username: 'roadrunner',
          displayName: 'roadrunner',
          scopeId: 'T1DC2JH3J',
          platformModerator: false,
        },
        invocation: { name: 'subscribe', subcommand: undefined, args: { plan: 'pro' } },
      },
    ]);
    expect(fake.responses).toEqual([]);
  });

  it('answers the signed url_verification fixture with its challenge', async () => {
    const { body, headers } = signedFixture('url_verification.json');
    const response = await server.inject({ method: 'POST', url: '/v1/slack/events', payload: body, headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('the signed member_joined_channel fixture makes the router reconcile that member', async () => {
    const { body, headers } = signedFixture('event_callback.member_joined_channel.json');
    const response = await server.inject({ method: 'POST', url: '/v1/slack/events', payload: body, headers });
    expect(response.statusCode).toBe(200);
    await vi.waitFor(() => expect(double.joins).toEqual([{ platform: 'slack', externalId: 'U2CERLKJA' }]));
  });

  it('a retried delivery of the same event (x-slack-retry-num) does not reconcile twice', async () => {
    const { body, headers } = signedFixture('event_callback.member_joined_channel.json');
    await server.inject({ method: 'POST', url: '/v1/slack/events', payload: body, headers });
    await vi.waitFor(() => expect(double.joins).toHaveLength(1));
    const retry = await server.inject({
      method: 'POST',
      url: '/v1/slack/events',
      payload: body,
      headers: { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(double.joins).toHaveLength(1);
  });

  it('refuses a body that does not match its signature with 401, before any listener runs', async () => {
    const { body, headers } = signedFixture('subscribe.form-urlencoded.json');
    const response = await server.inject({
      method: 'POST',
      url: '/v1/slack/commands',
      payload: body.replace('text=pro', 'text=vip'),
      headers,
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'slack_signature_invalid' } });
    expect(double.runs).toEqual([]);
  });

  it('refuses a correctly signed request older than five minutes with 401 (replay)', async () => {
    const { body, headers } = signedFixture('subscribe.form-urlencoded.json');
    clock.set(new Date((fixtureTimestamp + 301) * 1000));
    const response = await server.inject({ method: 'POST', url: '/v1/slack/commands', payload: body, headers });
    expect(response.statusCode).toBe(401);
    expect(double.runs).toEqual([]);
  });

  it('refuses an unsigned request with 401', async () => {
    const { body } = signedFixture('event_callback.member_joined_channel.json');
    const response = await server.inject({
      method: 'POST',
      url: '/v1/slack/events',
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(double.joins).toEqual([]);
  });

  it('runs every command under the umbrella /shop, and /shop alone is help', async () => {
    await command({ command: '/shop', text: 'status' });
    await command({ command: '/shop', text: '' });
    await command({ command: '/shop', text: '/admin grant <@U0BOB00001|bob> pro 30' });
    expect(double.runs.map((run) => run.invocation)).toEqual([
      { name: 'status', subcommand: undefined, args: {} },
      { name: 'help', subcommand: undefined, args: {} },
      { name: 'admin', subcommand: 'grant', args: { member: '<@U0BOB00001|bob>', plan: 'pro', days: '30' } },
    ]);
  });

  it('a public reply is posted in the channel', async () => {
    double.replies.run = async () => ({ text: 'Stats for everyone', private: false });
    const response = await command({ command: '/help', text: '' });
    expect(response.json()).toMatchObject({ response_type: 'in_channel', text: 'Stats for everyone' });
  });

  it('a workspace admin is a platform moderator, and users.info is not asked again within minutes', async () => {
    await command({ command: '/admin', text: 'stats', user_id: 'U0ADMIN001', user_name: 'boss' });
    await command({ command: '/admin', text: 'stats', user_id: 'U0ADMIN001', user_name: 'boss' });
    await command({ command: '/status', text: '' });
    expect(double.runs.map((run) => [run.actor.externalId, run.actor.platformModerator])).toEqual([
      ['U0ADMIN001', true],
      ['U0ADMIN001', true],
      ['U2CERLKJA', false],
    ]);
    expect(fake.calls('users.info').map((call) => call.params.user)).toEqual(['U0ADMIN001', 'U2CERLKJA']);
  });

  it('a slow command is acked empty at once and answered through response_url', async () => {
    double.replies.run = async (invocation) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return { text: `slow **${invocation.name}**`, private: true };
    };
    const started = performance.now();
    const response = await command({ command: '/tiers', text: '' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    const followUp = await fake.waitForResponse();
    expect(followUp.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'slow *tiers*',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'slow *tiers*' } }],
    });
  });

  it('answers Slack within 3 s even when no listener acks', async () => {
    bot.app.command('/never', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    });
    const started = performance.now();
    const response = await command({ command: '/never', text: '' });
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(200);
    expect(elapsed).toBeLessThan(3000);
    expect(elapsed).toBeGreaterThan(2000);
  });

  it('a button press reaches router.press with its action_id and the answer comes back ephemeral', async () => {
    const response = await blockActions(() => {});
    expect(response.statusCode).toBe(200);
    const followUp = await fake.waitForResponse((captured) => captured.key.startsWith('actions/'));
    expect(double.presses).toEqual([
      {
        action: 'subscribe_pro',
        actor: expect.objectContaining({ platform: 'slack', externalId: 'U2CERLKJA', scopeId: 'T1DC2JH3J' }),
      },
    ]);
    expect(followUp.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'pressed subscribe_pro',
    });
  });

  it('pressing a link button is acked and goes nowhere', async () => {
    const response = await blockActions((payload) => {
      (payload.actions as Array<Record<string, unknown>>)[0]!.action_id = `${linkButtonPrefix}0`;
    });
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(double.presses).toEqual([]);
    expect(fake.responses).toEqual([]);
  });

  it('team_join reconciles the new member and forgets that they were "not in the workspace"', async () => {
    const channel = { kind: 'slack_channel' as const, scopeId: '', resourceId: 'C07ABCDEF12', label: '#general' };
    const strategy = bot.platform.strategies[0]!;
    expect(await strategy.read('U0NEWBIE01', channel)).toBe('not_in_scope');
    fake.addUser({ id: 'U0NEWBIE01', name: 'newbie' });
    const envelope = readJsonFixture<Record<string, unknown>>(
      'slack',
      'events',
      'event_callback.member_joined_channel.json',
    );
    await event({
      ...envelope,
      event_id: 'Ev07TEAMJOIN',
      event: { type: 'team_join', user: { id: 'U0NEWBIE01', name: 'newbie', team_id: 'T1DC2JH3J' }, event_ts: '1' },
    });
    await vi.waitFor(() => expect(double.joins).toEqual([{ platform: 'slack', externalId: 'U0NEWBIE01' }]));
    expect(await strategy.read('U0NEWBIE01', channel)).toBe('absent');
  });

  it('member_left_channel updates the channel copy at once: the reconciler sees the member absent', async () => {
    const channel = { kind: 'slack_channel' as const, scopeId: '', resourceId: 'C07ABCDEF12', label: '#general' };
    const strategy = bot.platform.strategies[0]!;
    expect(await strategy.read('U2CERLKJA', channel)).toBe('held');
    const envelope = readJsonFixture<{ event: Record<string, unknown> }>(
      'slack',
      'events',
      'event_callback.member_joined_channel.json',
    );
    await event({ ...envelope, event_id: 'Ev07LEFT0001', event: { ...envelope.event, type: 'member_left_channel' } });
    await vi.waitFor(async () => expect(await strategy.read('U2CERLKJA', channel)).toBe('absent'));
    expect(fake.calls('conversations.members')).toHaveLength(1);
  });
});

describe('configuring the Slack bot', () => {
  const configWith = (environment: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-test-token', ...environment });
  const build = (environment: Record<string, string>) =>
    createSlackBot({
      core: { config: configWith(environment), clock: createFakeClock() },
      router: createSlackRouterDouble().router,
      logger: createLogger({ level: 'silent' }),
    });

  it('over HTTP mounts the Slack endpoints; in Socket Mode (SLACK_APP_TOKEN) it mounts nothing', () => {
    expect(build({ SLACK_SIGNING_SECRET: signingSecret }).mounts).toHaveLength(1);
    expect(build({ SLACK_APP_TOKEN: 'xapp-1-test' }).mounts).toHaveLength(0);
  });

  it('refuses to start over HTTP without a signing secret, rather than accept unsigned requests', () => {
    expect(() => build({})).toThrow(expect.objectContaining({ code: 'slack_not_configured' }));
  });
});
