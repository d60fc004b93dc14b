import { InteractionResponseType, InteractionType, MessageFlags, type REST, Routes } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandActor, CommandReply, CommandRouter } from '../command-types.js';
import { actorOf, type DiscordInteraction, invocationOf } from './read-interaction.js';
import { renderDiscordReply } from './render-discord-reply.js';

export type InteractionCallback =
  | { type: InteractionResponseType.Pong }
  | { type: InteractionResponseType.DeferredChannelMessageWithSource; data: { flags: number } };

export interface HandledInteraction {
  /** Discord's answer inside its 3 s window: the HTTP response body, or the gateway's callback. */
  callback: InteractionCallback;
  /** Runs once Discord has the callback: the command itself, then the edit of the deferred reply. */
  followUp?: () => Promise<void>;
}

export interface InteractionHandlerOptions {
  router: CommandRouter;
  /** Answers interactions through their webhook (the interaction token is the credential). */
  rest: REST;
  moderatorRoleIds: readonly string[];
  /** DISCORD_APPLICATION_ID, for interactions that do not carry theirs. */
  applicationId: string | undefined;
  logger: Logger;
}

const failureReply: CommandReply = {
  text: 'Something went wrong on our side (internal_error). Please try again in a minute.',
  private: true,
};

/**
 * One handler for both transports. Every command and button press is deferred at once (a
 * database round-trip or a checkout can outlast Discord's 3 s), privately when the command's
 * replies are private, and the rendered reply then replaces the "thinking…" message.
 */
export function createInteractionHandler(options: InteractionHandlerOptions) {
  const { router, rest, logger } = options;

  async function runSafely(work: () => Promise<CommandReply>): Promise<CommandReply> {
    try {
      return await work();
    } catch (error) {
      logger.error({ err: error }, 'discord command failed');
      return failureReply;
    }
  }

  async function deliver(interaction: DiscordInteraction, reply: CommandReply, deferredPrivately: boolean) {
    const body = renderDiscordReply(reply);
    const applicationId = interaction.application_id ?? options.applicationId;
    if (!applicationId) {
      logger.error({ interactionId: interaction.id }, 'cannot reply: set DISCORD_APPLICATION_ID');
      return;
    }
    const original = Routes.webhookMessage(applicationId, interaction.token, '@original');
    try {
      if (reply.private && !deferredPrivately) {
        // A public deferral cannot become private: leave a note there, send the reply ephemerally.
        await rest.patch(original, {
          auth: false,
          body: { content: 'Sent to you privately.', embeds: [], components: [] },
        });
        await rest.post(Routes.webhook(applicationId, interaction.token), {
          auth: false,
          body: { ...body, flags: MessageFlags.Ephemeral },
        });
        return;
      }
      await rest.patch(original, { auth: false, body });
    } catch (error) {
      // Only the code: the request URL carries the interaction token.
      const detail = error instanceof Error ? { name: error.name, message: error.message } : { error: String(error) };
      logger.warn({ ...detail, interactionId: interaction.id }, 'could not deliver a discord interaction reply');
    }
  }

  const deferred = (flags: number) =>
    ({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags } }) as const;

  return function handleInteraction(interaction: DiscordInteraction): HandledInteraction {
    if (interaction.type === InteractionType.Ping) return { callback: { type: InteractionResponseType.Pong } };
    const actor: CommandActor = actorOf(interaction, options.moderatorRoleIds);

    if (interaction.type === InteractionType.MessageComponent) {
      return {
        callback: deferred(MessageFlags.Ephemeral),
        followUp: async () => {
          const reply = await runSafely(() => router.press(actor, interaction.data.custom_id));
          await deliver(interaction, reply, true);
        },
      };
    }

    const definition = router.definitions.find((candidate) => candidate.name === interaction.data.name);
    // An unknown command (a stale registration) answers privately: nothing leaks by default.
    const privately = definition?.visibility !== 'public';
    return {
      callback: deferred(privately ? MessageFlags.Ephemeral : 0),
      followUp: async () => {
        const reply = await runSafely(() => router.run(actor, invocationOf(interaction)));
        await deliver(interaction, reply, privately);
      },
    };
  };
}

export type InteractionHandler = ReturnType<typeof createInteractionHandler>;
