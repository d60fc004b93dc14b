import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, type REST, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CommandRouter } from '../command-types.js';
import type { BackgroundTasks } from './background-tasks.js';
import type { InteractionHandler } from './handle-interaction.js';
import { interactionSchema } from './read-interaction.js';

export interface DiscordGatewayOptions {
  token: string;
  apiBase?: string | undefined;
  /** Posts the interaction callbacks (createInteractionRest). */
  rest: REST;
  router: CommandRouter;
  handleInteraction: InteractionHandler;
  tasks: BackgroundTasks;
  logger: Logger;
}

const memberAddSchema = z.object({ guild_id: z.string(), user: z.object({ id: z.string() }) });

/**
 * The gateway transport: a discord.js Client with Guilds and GuildMembers (privileged: enable
 * "Server Members Intent" in the developer portal, or joins never arrive). It listens to the raw
 * dispatches, so the interaction goes through the same handler as the HTTP endpoint, and a join
 * needs no member cache.
 */
export function createDiscordGateway(options: DiscordGatewayOptions) {
  const { logger, tasks } = options;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers],
    ...(options.apiBase ? { rest: { api: options.apiBase } } : {}),
  });

  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord gateway error'));

  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: unknown) => {
    const parsed = interactionSchema.safeParse(data);
    if (!parsed.success) return;
    const interaction = parsed.data;
    const handled = options.handleInteraction(interaction);
    tasks.run(async () => {
      try {
        await options.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
          auth: false,
          body: handled.callback,
        });
      } catch (error) {
        // Past the 3 s window or answered elsewhere: the reply has nowhere to go.
        logger.warn({ message: error instanceof Error ? error.message : String(error) }, 'discord deferral failed');
        return;
      }
      await handled.followUp?.();
    });
  });

  client.ws.on(GatewayDispatchEvents.GuildMemberAdd, (data: unknown) => {
    const parsed = memberAddSchema.safeParse(data);
    if (!parsed.success) return;
    tasks.run(async () => {
      try {
        await options.router.memberJoined('discord', parsed.data.user.id);
      } catch (error) {
        logger.error({ err: error, guildId: parsed.data.guild_id }, 'reconcile after a discord join failed');
      }
    });
  });

  return {
    client,
    async start() {
      await client.login(options.token);
    },
    async stop() {
      await client.destroy();
    },
  };
}

export type DiscordGateway = ReturnType<typeof createDiscordGateway>;
