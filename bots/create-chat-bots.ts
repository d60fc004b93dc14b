import type { Logger } from 'pino';
import type { Core } from '../core/index.js';
import type { ChatBot } from './chat-bot.js';
import type { CommandRouter } from './command-types.js';
import { createDiscordBot } from './discord/create-discord-bot.js';
import { createSlackBot } from './slack/create-slack-bot.js';
import { createTelegramBot } from './telegram/create-telegram-bot.js';

/** Every bot whose token is set, each registered with core's access sync. */
export function createChatBots(core: Core, router: CommandRouter, logger: Logger): ChatBot[] {
  const { config } = core;
  const bots: ChatBot[] = [];
  if (config.DISCORD_BOT_TOKEN) bots.push(createDiscordBot({ core, router, logger: logger.child({ bot: 'discord' }) }));
  if (config.TELEGRAM_BOT_TOKEN)
    bots.push(createTelegramBot({ core, router, logger: logger.child({ bot: 'telegram' }) }));
  if (config.SLACK_BOT_TOKEN) bots.push(createSlackBot({ core, router, logger: logger.child({ bot: 'slack' }) }));
  for (const bot of bots) core.access.registerPlatform(bot.platform);
  return bots;
}
