import type { Config } from '../core/config.js';
import { actorTagOf } from './command-context.js';
import type { CommandActor } from './command-types.js';

/**
 * Checked on every admin call, never remembered: configured ids (MODERATOR_IDS) or what the
 * platform itself said about this actor on this very request (Discord permission or role,
 * Telegram chat admin, Slack admin or owner).
 */
export function isModerator(actor: CommandActor, config: Pick<Config, 'MODERATOR_IDS'>): boolean {
  return actor.platformModerator || config.MODERATOR_IDS.includes(actorTagOf(actor));
}
