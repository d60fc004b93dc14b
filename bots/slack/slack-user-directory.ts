import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/ports/clock.js';
import { slackErrorCode, toSlackPlatformError } from './slack-platform-error.js';

export interface SlackUser {
  id: string;
  teamId: string | undefined;
  username: string | undefined;
  displayName: string | undefined;
  /** Deactivated: still listed by users.info, but no longer in the workspace. */
  deleted: boolean;
  /** Workspace admin, owner or primary owner: a moderator on Slack. */
  administrator: boolean;
}

const maximumEntries = 20_000;

/**
 * users.info with a short memory: the moderator check runs on every command and the access
 * reader asks "is this member still in the workspace?", and neither should cost a Web API call
 * each time. An admin demoted in Slack loses /admin within `ttlMs`; team_join forgets the
 * cached "not found" of a member who just arrived.
 */
export function createSlackUserDirectory(options: { client: webApi.WebClient; clock: Clock; ttlMs: number }) {
  const entries = new Map<string, { user: SlackUser | undefined; loadedAt: number }>();
  const inFlight = new Map<string, Promise<SlackUser | undefined>>();

  async function load(userId: string): Promise<SlackUser | undefined> {
    try {
      const answer = await options.client.users.info({ user: userId });
      const user = answer.user;
      if (!user) return undefined;
      return {
        id: userId,
        teamId: user.team_id,
        username: user.name,
        displayName: user.profile?.display_name || user.real_name || undefined,
        deleted: user.deleted === true,
        administrator: user.is_admin === true || user.is_owner === true || user.is_primary_owner === true,
      };
    } catch (error) {
      if (slackErrorCode(error) === 'user_not_found') return undefined;
      throw toSlackPlatformError(error, 'users.info');
    }
  }

  return {
    /** The member as Slack knows them, or undefined when no such user is in the workspace. */
    async lookup(userId: string): Promise<SlackUser | undefined> {
      const now = options.clock.now().getTime();
      const cached = entries.get(userId);
      if (cached && now - cached.loadedAt < options.ttlMs) return cached.user;
      const pending = inFlight.get(userId);
      if (pending) return pending;
      const promise = load(userId)
        .then((user) => {
          entries.delete(userId);
          entries.set(userId, { user, loadedAt: now });
          if (entries.size > maximumEntries) entries.delete(entries.keys().next().value as string);
          return user;
        })
        .finally(() => inFlight.delete(userId));
      inFlight.set(userId, promise);
      return promise;
    },
    /** Whether lookup would answer without asking Slack. */
    isFresh(userId: string): boolean {
      const cached = entries.get(userId);
      return cached !== undefined && options.clock.now().getTime() - cached.loadedAt < options.ttlMs;
    },
    forget(userId: string) {
      entries.delete(userId);
    },
  };
}

export type SlackUserDirectory = ReturnType<typeof createSlackUserDirectory>;
