import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';
import type { CommandArgument, CommandDefinition } from '../command-types.js';

const description = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);

function toOption(argument: CommandArgument): APIApplicationCommandBasicOption {
  const base = { name: argument.name, description: description(argument.description), required: argument.required };
  switch (argument.type) {
    case 'integer':
      return { ...base, type: ApplicationCommandOptionType.Integer };
    case 'member':
      // Discord's member picker; the chosen user arrives as an id and is handed on as `<@id>`.
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'string':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(argument.choices?.length
          ? { choices: argument.choices.map((choice) => ({ name: choice, value: choice })) }
          : {}),
      };
  }
}

/** Discord refuses a command whose required options come after optional ones; order is kept otherwise. */
const toOptions = (commandArguments: readonly CommandArgument[]) =>
  [...commandArguments.filter((item) => item.required), ...commandArguments.filter((item) => !item.required)].map(
    toOption,
  );

export interface CommandPayloadOptions {
  /**
   * Hide moderator commands from members without Manage Server in Discord's picker. Only when
   * no Discord moderator is configured by role or id: those would not see the command otherwise.
   * The router checks rights on every call either way.
   */
  hideModeratorCommands: boolean;
}

/** The command table as Discord application commands (chat input, subcommands for /admin). */
export function discordCommandPayloads(
  definitions: readonly CommandDefinition[],
  options: CommandPayloadOptions,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return definitions.map((definition) => {
    const commandOptions: APIApplicationCommandOption[] = definition.subcommands?.length
      ? definition.subcommands.map((subcommand) => ({
          type: ApplicationCommandOptionType.Subcommand,
          name: subcommand.name,
          description: description(subcommand.description),
          options: toOptions(subcommand.arguments),
        }))
      : toOptions(definition.arguments);
    return {
      type: ApplicationCommandType.ChatInput,
      name: definition.name,
      description: description(definition.description),
      options: commandOptions,
      integration_types: [ApplicationIntegrationType.GuildInstall],
      // Moderator commands act on a guild; member commands also work in a DM with the bot.
      contexts: definition.moderatorOnly
        ? [InteractionContextType.Guild]
        : [InteractionContextType.Guild, InteractionContextType.BotDM],
      ...(definition.moderatorOnly && options.hideModeratorCommands
        ? { default_member_permissions: String(PermissionFlagsBits.ManageGuild) }
        : {}),
    };
  });
}

/**
 * Replaces the bot's commands in one bulk overwrite per guild (instant) or globally (Discord
 * may take up to an hour to show global changes). Idempotent: the same table twice changes nothing.
 */
export async function registerDiscordCommands(
  rest: REST,
  target: { applicationId: string; guildIds: readonly string[] },
  payloads: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<void> {
  if (target.guildIds.length === 0) {
    await rest.put(Routes.applicationCommands(target.applicationId), { body: payloads });
    return;
  }
  for (const guildId of target.guildIds) {
    await rest.put(Routes.applicationGuildCommands(target.applicationId, guildId), { body: payloads });
  }
}
