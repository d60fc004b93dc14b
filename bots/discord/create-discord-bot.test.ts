import { GatewayDispatchEvents } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createFakeClock } from '../../core/testing/fake-clock.js';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import { commandDefinitions } from '../command-definitions.js';
import { createRouterDouble } from '../testing/router-double.js';
import { createDiscordBot, type DiscordBot } from './create-discord-bot.js';
import { type FakeDiscordApi, startFakeDiscordApi } from './testing/fake-discord-api.js';

const applicationId = '775799577604522054';
let fake: FakeDiscordApi;
let recording: ReturnType<typeof createRouterDouble>;
const bots: DiscordBot[] = [];

function discordBot(environment: Record<string, string>) {
  const config = loadConfig({
    NODE_ENV: 'test',
    DISCORD_BOT_TOKEN: 'test',
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_API_BASE: fake.url,
    ...environment,
  });
  const bot = createDiscordBot({
    core: { config, clock: createFakeClock() },
    router: recording.router,
    logger: createLogger({ level: 'silent' }),
  });
  bots.push(bot);
  return bot;
}

beforeAll(async () => {
  fake = await startFakeDiscordApi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  recording = createRouterDouble({ run: () => ({ text: 'Plans', title: 'Plans', private: true }) });
  fake.registeredCommands.clear();
  fake.interactionCallbacks.length = 0;
  fake.interactionEdits.length = 0;
});
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

describe('createDiscordBot', () => {
  it('registers the command table in each configured guild on start', async () => {
    await discordBot({ DISCORD_MODE: 'http', DISCORD_GUILD_IDS: '1,2' }).start();
    expect([...fake.registeredCommands.keys()].sort()).toEqual(['1', '2']);
    const names = (fake.registeredCommands.get('1') as Array<{ name: string }>).map((command) => command.name);
    expect(names).toEqual(commandDefinitions.map((definition) => definition.name));
  });

  it('registers globally when no guild is configured', async () => {
    await discordBot({ DISCORD_MODE: 'http' }).start();
    expect([...fake.registeredCommands.keys()]).toEqual(['global']);
  });

  it('mounts the interactions endpoint only when the public key is set', () => {
    expect(discordBot({ DISCORD_MODE: 'http' }).mounts).toHaveLength(0);
    expect(discordBot({ DISCORD_MODE: 'http', DISCORD_PUBLIC_KEY: 'ab'.repeat(32) }).mounts).toHaveLength(1);
  });

  it('gives core a platform that paces to DISCORD_REQUESTS_PER_SECOND', () => {
    const bot = discordBot({ DISCORD_MODE: 'http', DISCORD_REQUESTS_PER_SECOND: '12' });
    expect(bot.platform).toMatchObject({ name: 'discord', requestsPerSecond: 12 });
    expect(bot.platform.strategies.map((strategy) => strategy.kind)).toEqual(['discord_role']);
  });
});

describe('the gateway transport', () => {
  it('defers an interaction from the gateway through the callback endpoint, then edits the reply', async () => {
    const bot = discordBot({ DISCORD_MODE: 'gateway' });
    const interaction = readJsonFixture('discord', 'interactions', 'application_command.chat_input.subscribe.json');
    bot.gateway!.client.ws.emit(GatewayDispatchEvents.InteractionCreate, interaction, 0);
    await bot.idle();
    expect(fake.interactionCallbacks).toEqual([
      { interactionId: '786008729715212338', token: 'A_UNIQUE_TOKEN', body: { type: 5, data: { flags: 64 } } },
    ]);
    expect(recording.runs[0]?.invocation.name).toBe('subscribe');
    expect(fake.interactionEdits).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({ embeds: [{ title: 'Plans', description: 'Plans', fields: [] }] }),
      }),
    ]);
  });

  it('reconciles a member who joins a guild', async () => {
    const bot = discordBot({ DISCORD_MODE: 'gateway' });
    bot.gateway!.client.ws.emit(
      GatewayDispatchEvents.GuildMemberAdd,
      { guild_id: '290926798626357999', user: { id: '80351110224678912', username: 'nelly' }, roles: [] },
      0,
    );
    await bot.idle();
    expect(recording.joins).toEqual([{ platform: 'discord', externalId: '80351110224678912' }]);
  });
});
