import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordPlatform } from './discord-platform.js';
import { createAccessRest } from './discord-rest.js';
import { type FakeDiscordApi, startFakeDiscordApi } from './testing/fake-discord-api.js';

let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await startFakeDiscordApi();
});
afterAll(async () => fake.close());

it('a tier channel post goes to that channel through discord.js REST, with mentions disabled', async () => {
  const platform = createDiscordPlatform({
    rest: createAccessRest({ token: 'test', apiBase: fake.url, requestsPerSecond: 40 }),
    requestsPerSecond: 40,
  });
  await platform.sendChannelMessage('777000111', { text: 'Signal #1: LONG BTCUSDT @everyone' });
  expect(fake.channelMessages).toEqual([{ channelId: '777000111', content: 'Signal #1: LONG BTCUSDT @everyone' }]);
  expect(fake.directMessages).toHaveLength(0);
});
