import type { CommandActor } from './command-types.js';

/**
 * Whether the platform the member typed on has DMs from the bot. The terminal shop has none:
 * what a bot would DM is shown on screen there, and no reply may promise a DM that never comes.
 */
export const hasDirectMessages = (actor: Pick<CommandActor, 'platform'>) => actor.platform !== 'console';
