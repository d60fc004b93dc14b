import { ApplicationCommandOptionType, InteractionType } from 'discord.js';
import { z } from 'zod';
import type { CommandActor, CommandInvocation } from '../command-types.js';
import { isDiscordModerator } from './discord-permissions.js';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  global_name: z.string().nullish(),
});

const memberSchema = z.object({
  user: userSchema,
  roles: z.array(z.string()),
  /** The member's permissions in the channel, roles and overwrites folded in. */
  permissions: z.string().optional(),
  nick: z.string().nullish(),
});

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: CommandOption[] | undefined;
}

const optionSchema: z.ZodType<CommandOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).optional(),
  }),
);

const common = {
  id: z.string(),
  /** Always sent today; Discord's older documentation examples lack it (the configured id is used then). */
  application_id: z.string().optional(),
  token: z.string(),
  guild_id: z.string().optional(),
  /** In a guild. */
  member: memberSchema.optional(),
  /** In a DM. */
  user: userSchema.optional(),
};

const hasUser = (interaction: { member?: unknown; user?: unknown }) =>
  interaction.member !== undefined || interaction.user !== undefined;

/** The interactions the bot answers; parsed once, here, whichever transport brought them. */
export const interactionSchema = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal(InteractionType.Ping) }),
  z
    .object({
      ...common,
      type: z.literal(InteractionType.ApplicationCommand),
      data: z.object({
        name: z.string(),
        options: z.array(optionSchema).optional(),
        resolved: z.object({ roles: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    })
    .refine(hasUser, 'a command without a user'),
  z
    .object({
      ...common,
      type: z.literal(InteractionType.MessageComponent),
      data: z.object({ custom_id: z.string(), component_type: z.number().int() }),
    })
    .refine(hasUser, 'a button press without a user'),
]);

export type DiscordInteraction = z.infer<typeof interactionSchema>;
export type CommandInteraction = Extract<DiscordInteraction, { type: InteractionType.ApplicationCommand }>;

/** Who pressed or typed, and what Discord says about their moderation rights in this guild. */
export function actorOf(interaction: DiscordInteraction, moderatorRoleIds: readonly string[]): CommandActor {
  const user = interaction.member?.user ?? interaction.user;
  if (!user) throw new Error('an interaction without a user');
  return {
    platform: 'discord',
    externalId: user.id,
    username: user.username,
    displayName: interaction.member?.nick ?? user.global_name ?? user.username,
    scopeId: interaction.guild_id,
    platformModerator: isDiscordModerator(interaction.member, moderatorRoleIds),
  };
}

/** An option's value as the router reads typed text: users, channels and roles as mentions. */
function optionText(option: CommandOption, resolvedRoles: Record<string, unknown>): string | undefined {
  if (option.value === undefined) return undefined;
  const value = String(option.value);
  switch (option.type) {
    case ApplicationCommandOptionType.User:
      return `<@${value}>`;
    case ApplicationCommandOptionType.Channel:
      return `<#${value}>`;
    case ApplicationCommandOptionType.Role:
      return `<@&${value}>`;
    case ApplicationCommandOptionType.Mentionable:
      return value in resolvedRoles ? `<@&${value}>` : `<@${value}>`;
    default:
      return value;
  }
}

/** `/admin grant member:@x plan:pro days:30` → { name: 'admin', subcommand: 'grant', args: { member: '<@id>', ... } }. */
export function invocationOf(interaction: CommandInteraction): CommandInvocation {
  let options = interaction.data.options ?? [];
  const subcommands: string[] = [];
  // A group holds subcommands; a subcommand holds the values (at most two levels in Discord).
  for (let depth = 0; depth < 2; depth += 1) {
    const nested = options.find(
      (option) =>
        option.type === ApplicationCommandOptionType.Subcommand ||
        option.type === ApplicationCommandOptionType.SubcommandGroup,
    );
    if (!nested) break;
    subcommands.push(nested.name);
    options = nested.options ?? [];
  }
  const resolvedRoles = interaction.data.resolved?.roles ?? {};
  const args: Record<string, string | undefined> = {};
  for (const option of options) args[option.name] = optionText(option, resolvedRoles);
  return {
    name: interaction.data.name,
    ...(subcommands.length > 0 ? { subcommand: subcommands.join(' ') } : {}),
    args,
  };
}
