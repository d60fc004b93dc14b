import { generateKeyPairSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createFakeClock } from '../../core/testing/fake-clock.js';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import type { CommandReply } from '../command-types.js';
import { createRouterDouble } from '../testing/router-double.js';
import { createDiscordBot, type DiscordBot } from './create-discord-bot.js';
import { type FakeDiscordApi, startFakeDiscordApi } from './testing/fake-discord-api.js';
import { readSignedFixture, signInteraction, testApplicationKeys } from './testing/sign-interaction.js';

const fixtureNames = [
  'ping',
  'application_command.chat_input.subscribe',
  'application_command.chat_input.subcommand',
  'application_command.chat_input.docs-example',
  'message_component.button',
];
const fixtureTime = new Date(1721954100 * 1000);
const applicationId = '775799577604522054';

let fake: FakeDiscordApi;
let app: FastifyInstance;
let bot: DiscordBot;
let recording: ReturnType<typeof createRouterDouble>;
let nextReply: CommandReply;
const clock = createFakeClock(fixtureTime);

const post = (rawBody: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/v1/discord/interactions', headers, payload: rawBody });

/** A fixture body changed and signed again, as Discord would send it now. */
function signedVariant(name: string, change: (body: Record<string, unknown>) => void) {
  const body = readJsonFixture<Record<string, unknown>>('discord', 'interactions', `${name}.json`);
  change(body);
  const rawBody = JSON.stringify(body);
  return { rawBody, headers: signInteraction(rawBody, clock.now()) };
}

beforeAll(async () => {
  fake = await startFakeDiscordApi();
});
afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  clock.set(fixtureTime);
  nextReply = { text: 'Your checkout link', buttons: [{ label: 'Pay', url: 'https://shop.test/c/1' }], private: true };
  recording = createRouterDouble({ run: () => nextReply, press: () => nextReply });
  const config = loadConfig({
    NODE_ENV: 'test',
    DISCORD_BOT_TOKEN: 'test',
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_PUBLIC_KEY: testApplicationKeys.publicKeyHex,
    DISCORD_API_BASE: fake.url,
    DISCORD_MODE: 'http',
  });
  bot = createDiscordBot({
    core: { config, clock },
    router: recording.router,
    logger: createLogger({ level: 'silent' }),
  });
  app = Fastify();
  for (const mount of bot.mounts) await app.register(mount);
  fake.interactionEdits.length = 0;
  fake.followUps.length = 0;
});
afterEach(async () => {
  await app.close();
  await bot.stop();
});

describe('POST /v1/discord/interactions: signatures', () => {
  it.each(fixtureNames)('accepts the published signature of the %s fixture', async (name) => {
    const { fixture, rawBody } = readSignedFixture(name);
    const response = await post(rawBody, fixture.headers);
    expect(response.statusCode).toBe(200);
    await bot.idle();
  });

  it('answers 401 when one byte of the signed body changed', async () => {
    const { fixture, rawBody } = readSignedFixture('application_command.chat_input.subscribe');
    const response = await post(rawBody.replace('"pro"', '"vip"'), fixture.headers);
    expect(response.statusCode).toBe(401);
    expect(recording.runs).toHaveLength(0);
  });

  it('answers 401 to a body signed with another key', async () => {
    const { rawBody } = readSignedFixture('ping');
    const { privateKey } = generateKeyPairSync('ed25519');
    const response = await post(rawBody, signInteraction(rawBody, clock.now(), privateKey));
    expect(response.statusCode).toBe(401);
  });

  it('answers 401 without the signature headers', async () => {
    const { rawBody } = readSignedFixture('ping');
    const response = await post(rawBody, { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(401);
  });

  it('refuses a correctly signed request older than five minutes (a replay)', async () => {
    const { fixture, rawBody } = readSignedFixture('ping');
    clock.advance(5 * 60_000 + 1000);
    expect((await post(rawBody, fixture.headers)).statusCode).toBe(401);
    clock.set(fixtureTime);
    clock.advance(4 * 60_000);
    expect((await post(rawBody, fixture.headers)).statusCode).toBe(200);
  });
});

describe('POST /v1/discord/interactions: answers', () => {
  it('answers PING with PONG', async () => {
    const { fixture, rawBody } = readSignedFixture('ping');
    const response = await post(rawBody, fixture.headers);
    expect(response.json()).toEqual({ type: 1 });
  });

  it('defers a private command ephemerally, then edits the original response with the rendered reply', async () => {
    const { rawBody, headers } = signedVariant('application_command.chat_input.subscribe', (body) => {
      (body.data as Record<string, unknown>).options = [{ name: 'plan', type: 3, value: 'pro' }];
    });
    const response = await post(rawBody, headers);
    expect(response.json()).toEqual({ type: 5, data: { flags: 64 } });
    await bot.idle();
    expect(recording.runs).toEqual([
      {
        actor: expect.objectContaining({ platform: 'discord', externalId: '53908232506183680' }),
        invocation: { name: 'subscribe', args: { plan: 'pro' } },
      },
    ]);
    expect(fake.interactionEdits).toEqual([
      {
        applicationId,
        token: 'A_UNIQUE_TOKEN',
        body: {
          content: 'Your checkout link',
          embeds: [],
          components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Pay', url: 'https://shop.test/c/1' }] }],
          allowed_mentions: { parse: [] },
        },
      },
    ]);
  });

  it('never shows a private reply to the channel when the command was deferred publicly', async () => {
    recording.router.definitions = [{ ...recording.router.definitions[0]!, name: 'subscribe', visibility: 'public' }];
    const { fixture, rawBody } = readSignedFixture('application_command.chat_input.subscribe');
    const response = await post(rawBody, fixture.headers);
    expect(response.json()).toEqual({ type: 5, data: { flags: 0 } });
    await bot.idle();
    expect(fake.interactionEdits[0]?.body.content).toBe('Sent to you privately.');
    expect(fake.followUps).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ content: 'Your checkout link', flags: 64 }) }),
    ]);
  });

  it('hands a button press to router.press with its custom_id and edits the ephemeral reply', async () => {
    nextReply = { text: 'Pick a method', private: true };
    const { fixture, rawBody } = readSignedFixture('message_component.button');
    const response = await post(rawBody, fixture.headers);
    expect(response.json()).toEqual({ type: 5, data: { flags: 64 } });
    await bot.idle();
    expect(recording.presses).toEqual([
      { actor: expect.objectContaining({ externalId: '53908232506183680' }), action: 'checkout:pro:monthly' },
    ]);
    expect(fake.interactionEdits.map((edit) => edit.body.content)).toEqual(['Pick a method']);
  });

  it('answers 400 to a signed body that is not an interaction', async () => {
    const rawBody = JSON.stringify({ type: 2, id: '1' });
    const response = await post(rawBody, signInteraction(rawBody, clock.now()));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'discord_interaction_invalid' } });
  });
});
