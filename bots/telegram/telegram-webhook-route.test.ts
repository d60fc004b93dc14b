import Fastify from 'fastify';
import { Bot } from 'grammy';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import { createRouterDouble } from '../testing/router-double.js';
import { installTelegramUpdates } from './telegram-updates.js';
import { secretMatches, telegramWebhookRoute } from './telegram-webhook-route.js';
import { captureBotApi } from './testing/capture-bot-api.js';
import { testBotInfo, testBotToken } from './testing/test-bot-info.js';

interface WebhookRequestFixture {
  headers: Record<string, string>;
  body_file: string;
}

const fixture = readJsonFixture<WebhookRequestFixture>('telegram', 'updates', 'webhook-request.json');
const body = readJsonFixture<Record<string, unknown>>('telegram', 'updates', fixture.body_file);
const secret = fixture.headers['X-Telegram-Bot-Api-Secret-Token']!;
const apps: Array<{ close(): Promise<unknown> }> = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function setup() {
  const bot = new Bot(testBotToken, { botInfo: testBotInfo });
  const api = captureBotApi(bot.api, { botInfo: testBotInfo });
  const router = createRouterDouble();
  const logger = pino({ level: 'silent' });
  installTelegramUpdates(bot, {
    router: router.router,
    access: { shouldHold: async () => false, manages: async () => true },
    isModerator: async () => false,
    logger,
  });
  const app = Fastify();
  apps.push(app);
  await app.register(telegramWebhookRoute({ secret, logger, handleUpdate: (update) => bot.handleUpdate(update) }));
  await app.ready();
  return { app, api, router };
}

const post = (
  app: Awaited<ReturnType<typeof setup>>['app'],
  headers: Record<string, string>,
  payload: unknown = body,
) => app.inject({ method: 'POST', url: '/v1/telegram/webhook', headers, payload: payload as Record<string, unknown> });

describe('telegram webhook route', () => {
  it('an update with the right secret token is handled and answered 200', async () => {
    const { app, api, router } = await setup();
    const response = await post(app, fixture.headers);
    expect(response.statusCode).toBe(200);
    expect(router.runs.map((run) => run.invocation.name)).toEqual(['start']);
    expect(api.callsTo('sendMessage')).toHaveLength(1);
  });

  it('a wrong or missing secret token is refused with 401 and nothing is handled', async () => {
    const { app, router } = await setup();
    const wrong = await post(app, {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': `${secret}x`,
    });
    const sameLength = await post(app, {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': secret.replace(/.$/, 'Z'),
    });
    const missing = await post(app, { 'content-type': 'application/json' });
    for (const response of [wrong, sameLength, missing]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'telegram_secret_invalid' } });
    }
    expect(router.runs).toHaveLength(0);
  });

  it('a body that is not an update is refused with 400', async () => {
    const { app, router } = await setup();
    const response = await post(app, fixture.headers, { message: body.message });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'invalid_update' } });
    expect(router.runs).toHaveLength(0);
  });

  it('an update whose handling fails is still answered 200, so Telegram does not replay it forever', async () => {
    const logger = pino({ level: 'silent' });
    const app = Fastify();
    apps.push(app);
    await app.register(
      telegramWebhookRoute({
        secret,
        logger,
        handleUpdate: async () => {
          throw new Error('database down');
        },
      }),
    );
    expect((await post(app, fixture.headers)).statusCode).toBe(200);
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches('short', secret)).toBe(false);
    expect(secretMatches(undefined, secret)).toBe(false);
    expect(secretMatches([secret, secret], secret)).toBe(false);
  });
});
