/**
 * The platform-neutral shape of the shop: adapters turn a slash command, a button press or a
 * typed line into a CommandInvocation, hand it to the CommandRouter, and render the
 * CommandReply with their own widgets. Nothing here knows Discord, Telegram or Slack.
 */

export type ActorPlatform = 'discord' | 'telegram' | 'slack' | 'console';

/** Who ran the command, as the adapter saw them. */
export interface CommandActor {
  platform: ActorPlatform;
  /** The platform's id for the member (Discord snowflake, Telegram user id, Slack U...). */
  externalId: string;
  username?: string | undefined;
  displayName?: string | undefined;
  /** Guild, chat or team the command came from, when not a DM. */
  scopeId?: string | undefined;
  /**
   * What the platform itself says about moderation rights in that scope: Discord
   * Administrator/Manage Server permission or a configured role, Telegram chat admin,
   * Slack workspace admin or owner. The router combines it with the configured moderator ids.
   */
  platformModerator: boolean;
}

export type ReplyButton =
  | { label: string; url: string }
  | { label: string; action: string; style?: 'primary' | 'danger' | 'secondary' };

export interface CommandReply {
  /** Plain text with light markdown (**bold**, `code`, links written as text). */
  text: string;
  title?: string;
  fields?: Array<{ label: string; value: string }>;
  buttons?: ReplyButton[];
  /**
   * Only the member may see it (checkout links, codes, account data): an ephemeral reply on
   * Discord and Slack, a DM on Telegram when the command came from a group.
   */
  private: boolean;
}

export type ArgumentType = 'string' | 'integer' | 'member';

export interface CommandArgument {
  name: string;
  description: string;
  type: ArgumentType;
  required: boolean;
  choices?: readonly string[];
}

/** What adapters register: Discord slash commands, Telegram setMyCommands, Slack /commands, console help. */
export interface CommandDefinition {
  name: string;
  description: string;
  moderatorOnly: boolean;
  /**
   * `private` replies go only to the member (ephemeral or DM); adapters that must answer
   * before the command finishes (Discord's 3 s window) defer with this visibility.
   */
  visibility: 'private' | 'public';
  /** Positional arguments, in order (`/subscribe pro card CODE`). */
  arguments: CommandArgument[];
  /** `/admin grant ...`: each subcommand has its own arguments. */
  subcommands?: Array<{ name: string; description: string; arguments: CommandArgument[] }>;
}

export interface CommandInvocation {
  name: string;
  subcommand?: string | undefined;
  /** Arguments by name, as typed; the router validates them. */
  args: Record<string, string | undefined>;
}

export interface CommandRouter {
  definitions: readonly CommandDefinition[];
  /** Runs a command; never throws: failures come back as a reply with a stable error code. */
  run(actor: CommandActor, invocation: CommandInvocation): Promise<CommandReply>;
  /** A button press: `action` is what a ReplyButton carried. */
  press(actor: CommandActor, action: string): Promise<CommandReply>;
  /** Splits `/subscribe pro card` (Telegram, Slack text, console) into an invocation, or undefined when it is not a command. */
  parse(text: string): CommandInvocation | undefined;
  /** A member joined a guild, chat or workspace: reconcile their access now. */
  memberJoined(platform: ActorPlatform, externalId: string): Promise<void>;
}
