import type { Clock } from '../../core/ports/clock.js';

interface Entry {
  members: Set<string>;
  loadedAt: number;
}

interface Loading {
  promise: Promise<Set<string>>;
  /** Changes we made (or were told about) while the listing was on its way; applied on arrival. */
  changes: Array<{ userId: string; member: boolean }>;
}

/**
 * Who is in each private channel, listed from Slack at most once per `ttlMs` per channel.
 * Our own invites and kicks, and member_joined/left_channel events, update the copy at once,
 * so the reconciler does not re-invite a member it just invited, and a change that lands
 * while a listing is in flight is not lost when the (older) listing arrives.
 */
export function createChannelMemberCache(options: {
  clock: Clock;
  ttlMs: number;
  load: (channelId: string) => Promise<Set<string>>;
}) {
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Loading>();

  function record(channelId: string, userId: string, member: boolean) {
    const entry = entries.get(channelId);
    if (entry) {
      if (member) entry.members.add(userId);
      else entry.members.delete(userId);
    }
    loading.get(channelId)?.changes.push({ userId, member });
  }

  return {
    async members(channelId: string): Promise<ReadonlySet<string>> {
      const now = options.clock.now().getTime();
      const entry = entries.get(channelId);
      if (entry && now - entry.loadedAt < options.ttlMs) return entry.members;
      const pending = loading.get(channelId);
      if (pending) return pending.promise;
      const changes: Loading['changes'] = [];
      const promise = options
        .load(channelId)
        .then((members) => {
          for (const change of changes) {
            if (change.member) members.add(change.userId);
            else members.delete(change.userId);
          }
          entries.set(channelId, { members, loadedAt: now });
          return members;
        })
        .finally(() => loading.delete(channelId));
      loading.set(channelId, { promise, changes });
      return promise;
    },
    /** The fresh copy of a channel's members, or undefined when reading it needs a listing. */
    freshMembers(channelId: string): ReadonlySet<string> | undefined {
      const entry = entries.get(channelId);
      return entry && options.clock.now().getTime() - entry.loadedAt < options.ttlMs ? entry.members : undefined;
    },
    joined: (channelId: string, userId: string) => record(channelId, userId, true),
    left: (channelId: string, userId: string) => record(channelId, userId, false),
    /** The channel is unknown or unreadable now: list it again next time. */
    forget(channelId: string) {
      entries.delete(channelId);
    },
  };
}

export type ChannelMemberCache = ReturnType<typeof createChannelMemberCache>;
