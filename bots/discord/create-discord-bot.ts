import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { ChatBot } from '../chat-bot.js';
import type { CommandRouter } from '../command-types.js';
import { createBackgroundTasks } from './background-tasks.js';
import { discordCommandPayloads, registerDiscordCommands } from './discord-command-payloads.js';
import { createDiscordGateway, type DiscordGateway } from './discord-gateway.js';
import { discordInteractionsRoute } from './discord-interactions-route.js';
import { createDiscordPlatform } from './discord-platform.js';
import { closeRest, createAccessRest, createInteractionRest } from './discord-rest.js';
import { createInteractionHandler } from './handle-interaction.js';

export interface DiscordBot extends ChatBot {
  /** Resolves when every deferred reply and join reconcile started so far has finished. */
  idle(): Promise<void>;
  /** Present in gateway mode. */
  gateway: DiscordGateway | undefined;
}

export interface DiscordBotDependencies {
  core: Pick<Core, 'config' | 'clock'>;
  router: CommandRouter;
  logger: Logger;
}

/**
 * The Discord adapter: the REST platform for access sync and DMs, the HTTP interactions
 * endpoint (when DISCORD_PUBLIC_KEY is set) and, in gateway mode, the discord.js Client.
 */
export function createDiscordBot({ core, router, logger }: DiscordBotDependencies): DiscordBot {
  const { config } = core;
  const token = config.DISCORD_BOT_TOKEN;
  if (!token) throw new AppError('discord_not_configured', 'DISCORD_BOT_TOKEN is not set');
  const restOptions = {
    token,
    apiBase: config.DISCORD_API_BASE,
    requestsPerSecond: config.DISCORD_REQUESTS_PER_SECOND,
  };
  const accessRest = createAccessRest(restOptions);
  const interactionRest = createInteractionRest(restOptions);
  const tasks = createBackgroundTasks();
  const handleInteraction = createInteractionHandler({
    router,
    rest: interactionRest,
    moderatorRoleIds: config.DISCORD_MODERATOR_ROLE_IDS,
    applicationId: config.DISCORD_APPLICATION_ID,
    logger,
  });
  const gateway =
    config.DISCORD_MODE === 'gateway'
      ? createDiscordGateway({
          token,
          apiBase: config.DISCORD_API_BASE,
          rest: interactionRest,
          router,
          handleInteraction,
          tasks,
          logger,
        })
      : undefined;
  const mounts = config.DISCORD_PUBLIC_KEY
    ? [
        discordInteractionsRoute({
          publicKey: config.DISCORD_PUBLIC_KEY,
          clock: core.clock,
          handleInteraction,
          tasks,
          logger,
        }),
      ]
    : [];

  return {
    platform: createDiscordPlatform({ rest: accessRest, requestsPerSecond: config.DISCORD_REQUESTS_PER_SECOND }),
    mounts,
    gateway,

    async start() {
      const applicationId = config.DISCORD_APPLICATION_ID;
      if (!applicationId) throw new AppError('discord_not_configured', 'DISCORD_APPLICATION_ID is not set');
      const discordModeratorsConfigured =
        config.DISCORD_MODERATOR_ROLE_IDS.length > 0 || config.MODERATOR_IDS.some((id) => id.startsWith('discord:'));
      const payloads = discordCommandPayloads(router.definitions, {
        hideModeratorCommands: !discordModeratorsConfigured,
      });
      try {
        await registerDiscordCommands(interactionRest, { applicationId, guildIds: config.DISCORD_GUILD_IDS }, payloads);
        logger.info(
          { commands: payloads.length, guilds: config.DISCORD_GUILD_IDS.length || 'global' },
          'discord commands registered',
        );
      } catch (error) {
        // The previous registration keeps working; the bot still serves members.
        logger.error({ err: error }, 'discord command registration failed');
      }
      await gateway?.start();
    },

    async stop() {
      await gateway?.stop();
      await tasks.idle();
      closeRest(accessRest);
      closeRest(interactionRest);
    },

    idle: () => tasks.idle(),
  };
}
