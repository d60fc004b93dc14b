import type { Update } from 'grammy/types';
import { createTestApp, type TestApp } from '../../../core/testing/test-core.js';
import { createCommandRouter } from '../../commands.js';
import { createTelegramBot, type TelegramChatBot } from '../create-telegram-bot.js';
import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api.js';

export interface TelegramTestShop {
  fake: FakeTelegramApi;
  test: TestApp;
  telegram: TelegramChatBot;
  /** Feeds an update the way Telegram would, then lets the jobs it caused run. */
  deliver(update: Update): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole product with the real grammY adapter on a local fake Bot API whose clock is the
 * test clock, the bot registered for access sync and DMs. Access calls are not paced in tests
 * unless the environment says so.
 */
export async function startTelegramTestShop(environment: Record<string, string> = {}): Promise<TelegramTestShop> {
  let now = () => new Date();
  const fake = await startFakeTelegramApi({ now: () => now() });
  const test = await createTestApp({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_REQUESTS_PER_SECOND: '500',
    ...environment,
  });
  now = () => test.clock.now();
  const telegram = createTelegramBot({
    core: test.core,
    router: createCommandRouter(test.core),
    logger: test.core.logger,
    botInfo: fake.botInfo,
  });
  test.core.access.registerPlatform(telegram.platform);
  return {
    fake,
    test,
    telegram,
    async deliver(update) {
      await telegram.bot.handleUpdate(update);
      await test.drain();
    },
    async close() {
      await telegram.stop();
      await test.close();
      await fake.close();
    },
  };
}
