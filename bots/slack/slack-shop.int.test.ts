import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { buildApp } from '../../web/app.js';
import { createCommandRouter } from '../commands.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';
import { createSlackBot, type SlackBot } from './create-slack-bot.js';
import { type FakeSlackApi, startFakeSlackApi } from './testing/fake-slack-api.js';
import { signSlackRequest } from './testing/sign-slack-request.js';

const signingSecret = 'test_signing_secret_0123456789abcdef';
const teamId = 'T1DC2JH3J';
const member = { id: 'U2CERLKJA', name: 'roadrunner' };
const proChannel = 'G0PRO00001';
const dayMs = 86_400_000;

interface SlackAnswer {
  response_type?: string;
  text: string;
  blocks: Array<{ type: string; elements?: Array<{ action_id?: string; url?: string }> }>;
}

describe('the shop on Slack, end to end (real command table, sandbox payments, Slack Web API on a local fake)', () => {
  let fake: FakeSlackApi;
  let test: TestApp;
  let bot: SlackBot;
  let web: FastifyInstance;
  let responseCounter = 0;

  beforeEach(async () => {
    fake = await startFakeSlackApi({ teamId });
    fake.addUser(member);
    fake.addUser({ id: 'U0ADMIN001', name: 'boss', admin: true });
    fake.addChannel({ id: proChannel, name: 'pro-signals' });
    test = await createTestApp({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.apiUrl,
      SLACK_REQUESTS_PER_SECOND: '50',
    });
    bot = createSlackBot({ core: test.core, router: createCommandRouter(test.core), logger: test.core.logger });
    test.core.access.registerPlatform(bot.platform);
    await test.core.access.resources.add(
      'pro',
      { kind: 'slack_channel', resource_id: proChannel, label: '#pro-signals' },
      'test',
    );
    web = await buildApp(test.core, { docs: false, mounts: bot.mounts });
    await web.ready();
    await bot.start();
  });
  afterEach(async () => {
    await bot.stop();
    await web.close();
    await test.close();
    await fake.close();
  });

  const signedPost = (url: string, body: string, contentType: string) =>
    web.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': contentType,
        ...signSlackRequest({ signingSecret, body, timestamp: Math.floor(test.clock.now().getTime() / 1000) }),
      },
    });

  /** The reply in the ack, or (a slow command) the one posted to response_url afterwards. */
  async function answerOf(response: { statusCode: number; body: string }, responseKey: string): Promise<SlackAnswer> {
    expect(response.statusCode).toBe(200);
    if (response.body) return JSON.parse(response.body) as SlackAnswer;
    const posted = await fake.waitForResponse((captured) => captured.key === responseKey);
    return posted.body as unknown as SlackAnswer;
  }

  async function slash(command: string, text: string, user: { id: string; name: string } = member) {
    responseCounter += 1;
    const responseKey = `commands/${teamId}/${responseCounter}`;
    const body = new URLSearchParams({
      token: 'xyzz0WbapA4vBCDEFasx0q6G',
      team_id: teamId,
      team_domain: 'testteamnow',
      channel_id: 'C07ABCDEF12',
      channel_name: 'general',
      user_id: user.id,
      user_name: user.name,
      command,
      text,
      api_app_id: 'A07APPID123',
      is_enterprise_install: 'false',
      response_url: fake.responseUrl(responseKey),
      trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    }).toString();
    return answerOf(await signedPost('/v1/slack/commands', body, 'application/x-www-form-urlencoded'), responseKey);
  }

  async function press(actionId: string, user: { id: string; name: string } = member) {
    responseCounter += 1;
    const responseKey = `actions/${teamId}/${responseCounter}`;
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: teamId },
      api_app_id: 'A07APPID123',
      token: 'xyzz0WbapA4vBCDEFasx0q6G',
      container: { type: 'message', message_ts: '1721954100.000300', channel_id: 'C07ABCDEF12', is_ephemeral: true },
      trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      team: { id: teamId, domain: 'testteamnow' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: 'C07ABCDEF12', name: 'general' },
      state: { values: {} },
      response_url: fake.responseUrl(responseKey),
      actions: [{ action_id: actionId, block_id: 'b', type: 'button', value: actionId, action_ts: '1721954100.1' }],
    };
    const response = await signedPost(
      '/v1/slack/actions',
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(response.statusCode).toBe(200);
    const posted = await fake.waitForResponse((captured) => captured.key === responseKey);
    return posted.body as unknown as SlackAnswer;
  }

  const buttonsOf = (answer: SlackAnswer) => answer.blocks.flatMap((block) => block.elements ?? []);

  async function subscribeAndPay() {
    const offer = await slash('/subscribe', 'pro');
    expect(offer.response_type).toBe('ephemeral');
    const link = findCheckoutLink(JSON.stringify(offer));
    expect(buttonsOf(offer).map((button) => button.url)).toContain(link);
    await payCheckoutLink(test, link);
    await test.drain();
  }

  it('/subscribe pro gives a private checkout link; paying it invites the member to the private channel', async () => {
    expect(fake.isMember(proChannel, member.id)).toBe(false);
    await subscribeAndPay();
    expect(fake.isMember(proChannel, member.id)).toBe(true);
    expect(fake.calls('conversations.invite').map((call) => call.params)).toEqual([
      expect.objectContaining({ channel: proChannel, users: member.id }),
    ]);
    expect(fake.messagesTo(member.id).length).toBeGreaterThan(0);
    const status = await slash('/shop', 'status');
    expect(status.text).toContain('Pro');
  });

  it('/cancel, confirmed with the button, keeps the channel until the period ends, then kicks the member', async () => {
    await subscribeAndPay();
    const question = await slash('/cancel', '');
    const confirm = buttonsOf(question).find((button) => button.action_id?.startsWith('ok:'));
    expect(confirm?.action_id).toBeDefined();
    const done = await press(confirm!.action_id!);
    expect(done.text).toContain('Canceled');
    await test.drain();
    expect(fake.isMember(proChannel, member.id)).toBe(true);
    expect(fake.calls('conversations.kick')).toEqual([]);

    test.clock.advance(32 * dayMs);
    await test.core.entitlements.sweepDue();
    await test.drain();
    expect(fake.isMember(proChannel, member.id)).toBe(false);
    expect(fake.calls('conversations.kick').map((call) => call.params)).toEqual([
      expect.objectContaining({ channel: proChannel, user: member.id }),
    ]);
  });

  it('a member removed from the channel by hand is invited back by the reconciler', async () => {
    await subscribeAndPay();
    fake.channels.get(proChannel)!.members.delete(member.id);
    test.clock.advance(2 * 60_000);
    await test.core.access.reconcileAll();
    await test.drain();
    expect(fake.isMember(proChannel, member.id)).toBe(true);
    expect(fake.calls('conversations.invite')).toHaveLength(2);
  });

  it('a paying member who left the workspace gets the channel back when Slack says they rejoined (team_join)', async () => {
    await subscribeAndPay();
    fake.users.get(member.id)!.deleted = true;
    fake.channels.get(proChannel)!.members.delete(member.id);
    test.clock.advance(6 * 60_000);
    await test.core.access.reconcileAll();
    await test.drain();
    await test.drain();
    expect(fake.isMember(proChannel, member.id)).toBe(false);
    expect(fake.calls('conversations.invite')).toHaveLength(1);

    fake.users.get(member.id)!.deleted = false;
    const joined = await signedPost(
      '/v1/slack/events',
      JSON.stringify({
        token: 'XXYYZZ',
        team_id: teamId,
        api_app_id: 'A07APPID123',
        event: { type: 'team_join', user: { id: member.id, name: member.name, team_id: teamId }, event_ts: '1' },
        type: 'event_callback',
        event_id: 'Ev07TEAMJOIN',
        event_time: 1721954100,
        authorizations: [
          { enterprise_id: null, team_id: teamId, user_id: fake.botUserId, is_bot: true, is_enterprise_install: false },
        ],
      }),
      'application/json',
    );
    expect(joined.statusCode).toBe(200);
    await vi.waitFor(async () => {
      await test.drain();
      expect(fake.isMember(proChannel, member.id)).toBe(true);
    });
  });

  it('a member’s /admin is refused; a Slack workspace admin’s is not', async () => {
    const refused = await slash('/admin', 'stats');
    expect(refused.text).toContain('(not_moderator)');
    expect(refused.response_type).toBe('ephemeral');

    const allowed = await slash('/admin', 'stats', { id: 'U0ADMIN001', name: 'boss' });
    expect(allowed.text).not.toContain('(not_moderator)');
  });
});
