import { Bot } from 'grammy';
import type { BotCommand, BotCommandScope, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { ChatBot } from '../chat-bot.js';
import type { CommandDefinition, CommandRouter } from '../command-types.js';
import { redactTokenInErrors } from './telegram-errors.js';
import { createTelegramModeratorCheck } from './telegram-moderators.js';
import { createTelegramPlatform, type TelegramPlatform } from './telegram-platform.js';
import { installTelegramUpdates } from './telegram-updates.js';
import { telegramWebhookPath, telegramWebhookRoute } from './telegram-webhook-route.js';

export interface TelegramBotOptions {
  core: Core;
  router: CommandRouter;
  logger: Logger;
  /** Known bot identity: skips getMe (tests, and webhook processes that never call start). */
  botInfo?: UserFromGetMe;
}

export interface TelegramChatBot extends ChatBot {
  /** The grammY bot: tests feed it updates with handleUpdate and capture bot.api. */
  bot: Bot;
  platform: TelegramPlatform;
}

/** chat_member and my_chat_member are only sent when asked for by name. */
export const telegramAllowedUpdates = [
  'message',
  'callback_query',
  'chat_join_request',
  'chat_member',
  'my_chat_member',
] as const;

const toBotCommand = (definition: CommandDefinition): BotCommand => ({
  command: definition.name,
  description: definition.description.slice(0, 256),
});

/**
 * The Telegram bot from config: long polling (embedded default) or a webhook mounted on the web
 * server. Commands typed in chats go through the shared command table; access sync and DMs
 * go through `platform`, which has its own rate-limited client.
 */
export function createTelegramBot(options: TelegramBotOptions): TelegramChatBot {
  const { core, router, logger } = options;
  const { config } = core;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new AppError('telegram_token_missing', 'TELEGRAM_BOT_TOKEN is not set.');
  const webhookSecret = config.TELEGRAM_WEBHOOK_SECRET;
  // Without the secret anyone could post updates as any user, moderators included.
  if (config.TELEGRAM_MODE === 'webhook' && !webhookSecret)
    throw new AppError('telegram_webhook_secret_missing', 'TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET.');
  const apiRoot = config.TELEGRAM_API_ROOT?.replace(/\/+$/, '');

  const bot = new Bot(token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(apiRoot ? { client: { apiRoot } } : {}),
  });
  bot.api.config.use(redactTokenInErrors(token));
  bot.catch((error) =>
    logger.error({ err: error.error, update: error.ctx.update.update_id }, 'telegram update failed'),
  );
  const platform = createTelegramPlatform({
    token,
    apiRoot,
    clock: core.clock,
    inviteTtlMinutes: config.TELEGRAM_INVITE_TTL_MINUTES,
    requestsPerSecond: config.TELEGRAM_REQUESTS_PER_SECOND,
  });
  installTelegramUpdates(bot, {
    router,
    access: {
      shouldHold: (platform, externalId, resource) => core.access.shouldHold(platform, externalId, resource),
      manages: async (resource) =>
        (await core.access.resources.all()).some(
          (managed) => managed.kind === resource.kind && managed.resourceId === resource.resourceId,
        ),
    },
    isModerator: createTelegramModeratorCheck({
      api: bot.api,
      adminChatIds: config.TELEGRAM_ADMIN_CHAT_IDS,
      clock: core.clock,
      logger,
    }),
    logger,
  });

  // A web process serves the webhook without ever calling start(): learn who we are on first use.
  let initializing: Promise<void> | undefined;
  const ensureInitialized = async () => {
    if (bot.isInited()) return;
    initializing ??= bot.init().catch((error: unknown) => {
      initializing = undefined;
      throw error;
    });
    await initializing;
  };

  async function registerCommands() {
    const memberCommands = router.definitions.filter((definition) => !definition.moderatorOnly).map(toBotCommand);
    await bot.api.setMyCommands(memberCommands);
    // Moderators see /admin in their menu: admins of the admin chats there, configured
    // moderators (MODERATOR_IDS telegram:<id>) in their private chat with the bot.
    const everyCommand = router.definitions.map(toBotCommand);
    const moderatorScopes: BotCommandScope[] = [
      ...config.TELEGRAM_ADMIN_CHAT_IDS.map((chatId) => ({ type: 'chat_administrators' as const, chat_id: chatId })),
      ...config.MODERATOR_IDS.filter((entry) => entry.startsWith('telegram:')).map((entry) => ({
        type: 'chat' as const,
        chat_id: entry.slice('telegram:'.length),
      })),
    ];
    for (const scope of moderatorScopes) {
      // A moderator who never opened the bot has no chat yet: skipped, not fatal.
      await bot.api
        .setMyCommands(everyCommand, { scope })
        .catch((error: unknown) => logger.warn({ err: error, scope }, 'telegram moderator commands not registered'));
    }
  }

  let polling = false;

  return {
    bot,
    platform,
    mounts:
      config.TELEGRAM_MODE === 'webhook' && webhookSecret
        ? [
            telegramWebhookRoute({
              secret: webhookSecret,
              logger,
              handleUpdate: async (update) => {
                await ensureInitialized();
                await bot.handleUpdate(update);
              },
            }),
          ]
        : [],

    async start() {
      await ensureInitialized();
      await registerCommands();
      if (config.TELEGRAM_MODE === 'webhook') {
        await bot.api.setWebhook(`${config.PUBLIC_URL.replace(/\/+$/, '')}${telegramWebhookPath}`, {
          secret_token: webhookSecret,
          allowed_updates: telegramAllowedUpdates,
        });
        logger.info('telegram webhook set');
        return;
      }
      await new Promise<void>((resolve, reject) => {
        let started = false;
        bot
          .start({
            allowed_updates: telegramAllowedUpdates,
            onStart: (me) => {
              started = true;
              polling = true;
              logger.info({ username: me.username }, 'telegram long polling started');
              resolve();
            },
          })
          .catch((error: unknown) => {
            polling = false;
            if (!started) reject(error);
            else logger.error({ err: error }, 'telegram long polling stopped');
          });
      });
    },

    async stop() {
      if (!polling) return;
      polling = false;
      // The last getUpdates only confirms the offset; Telegram unreachable must not block shutdown.
      await bot.stop().catch((error: unknown) => logger.warn({ err: error }, 'telegram polling stopped uncleanly'));
    },
  };
}
