import type { Core } from '../core/index.js';
import type { CommandActor, CommandReply, ReplyButton } from './command-types.js';

/** What a command handler gets: the core, who asked, and their user (created on first contact). */
export interface CommandContext {
  core: Core;
  actor: CommandActor;
  userId: string;
  /** `discord:123`: the audit log's actor for anything this command changes. */
  actorTag: string;
  /**
   * Stores an action to run when the same member presses Confirm, and returns the two
   * buttons: Confirm (labelled `confirm`) and a button that discards it (labelled `keep`).
   */
  confirm(
    kind: ConfirmedActionKind,
    payload: Record<string, string | number>,
    labels: { confirm: string; keep: string; style: 'primary' | 'danger' },
  ): Promise<ReplyButton[]>;
}

export type ConfirmedActionKind =
  | 'cancel'
  | 'change_plan'
  | 'refund'
  | 'plan_create'
  | 'plan_price'
  | 'promo_create'
  | 'promo_disable';

export type CommandHandler = (
  context: CommandContext,
  args: Record<string, string | undefined>,
) => Promise<CommandReply>;

export const actorTagOf = (actor: Pick<CommandActor, 'platform' | 'externalId'>) =>
  `${actor.platform}:${actor.externalId}`;

/** A reply only the member sees. */
export const privateReply = (text: string, extra: Omit<CommandReply, 'text' | 'private'> = {}): CommandReply => ({
  text,
  private: true,
  ...extra,
});
