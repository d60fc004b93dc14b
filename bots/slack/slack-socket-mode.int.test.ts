import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { identities } from '../../db/schema/index.js';
import { createCommandRouter } from '../commands.js';
import { findCheckoutLink } from '../testing/pay-checkout-link.js';
import { createSlackBot, type SlackBot } from './create-slack-bot.js';
import { type FakeSlackApi, startFakeSlackApi } from './testing/fake-slack-api.js';
import { type FakeSlackSocket, startFakeSlackSocket } from './testing/fake-slack-socket.js';

const appToken = 'xapp-1-A07APPID123-0000000000-socketmodetesttoken';

describe('Slack over Socket Mode (real Bolt SocketModeReceiver, Slack on a local WebSocket)', () => {
  let socket: FakeSlackSocket;
  let fake: FakeSlackApi;
  let test: TestApp;
  let bot: SlackBot;

  beforeEach(async () => {
    socket = await startFakeSlackSocket();
    fake = await startFakeSlackApi({ socketMode: { appToken, url: socket.url } });
    fake.addUser({ id: 'U2CERLKJA', name: 'roadrunner' });
    test = await createTestApp({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_APP_TOKEN: appToken,
      SLACK_API_URL: fake.apiUrl,
    });
    bot = createSlackBot({ core: test.core, router: createCommandRouter(test.core), logger: test.core.logger });
  });
  afterEach(async () => {
    await bot.stop();
    await test.close();
    await fake.close();
    await socket.close();
  });

  it('opens the connection with the app token and mounts no HTTP route', async () => {
    expect(bot.mounts).toEqual([]);
    await bot.start();
    await socket.connected;
    expect(fake.calls('apps.connections.open')).toHaveLength(1);
    expect(socket.connections).toBe(1);
  });

  it('acks a slash command envelope with the private checkout link for the member who asked', async () => {
    await bot.start();
    await socket.connected;
    const command = readJsonFixture<Record<string, string>>('slack', 'commands', 'subscribe.decoded.json');
    const ack = await socket.push('slash_commands', { ...command, response_url: fake.responseUrl('socket/1') });

    // The reply travels in the ack when it is ready in time, else through response_url.
    const reply = ack.payload ?? (await fake.waitForResponse((captured) => captured.key === 'socket/1')).body;
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(findCheckoutLink(JSON.stringify(reply))).toContain('/c/');
    // The command came from the fixture's member, who now has a user with that Slack identity.
    const [identity] = await test.core.db.select().from(identities).where(eq(identities.externalId, 'U2CERLKJA'));
    expect(identity).toMatchObject({ platform: 'slack' });
  });
});
