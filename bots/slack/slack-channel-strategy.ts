import type { webApi } from '@slack/bolt';
import type { AccessResource, AccessState, AccessStrategy, GrantOutcome } from '../../core/ports/chat-platform.js';
import type { ChannelMemberCache } from './channel-member-cache.js';
import { slackErrorCode, toSlackPlatformError } from './slack-platform-error.js';
import type { SlackUserDirectory } from './slack-user-directory.js';

/** Answers meaning the member is not (or no longer) in the workspace: nothing to grant until they join. */
const memberGoneErrors = new Set(['user_not_found', 'user_disabled', 'user_is_deleted']);

/**
 * `slack_channel`: membership of a private channel. Reading asks "is the member in the
 * channel" of a per-channel member list (see channel-member-cache.ts) rather than calling
 * users.conversations per member: that method is Tier 3 (~50 a minute) and per user, so a
 * reconcile of 10,000 members would spend hours only reading, while conversations.members
 * lists up to 1,000 members a page. Only members missing from the list cost a users.info
 * (cached) to tell `absent` from `not_in_scope`.
 */
export function createSlackChannelStrategy(options: {
  client: webApi.WebClient;
  members: ChannelMemberCache;
  users: SlackUserDirectory;
}): AccessStrategy {
  const { client, members, users } = options;

  const failure = (error: unknown, method: string, resource: AccessResource) => {
    if (slackErrorCode(error) === 'channel_not_found') members.forget(resource.resourceId);
    const name = resource.label || resource.resourceId;
    return toSlackPlatformError(error, method, {
      context: { resource: name },
      hints: {
        not_in_channel: `invite the bot to ${name}`,
        channel_not_found: `${name} does not exist, or it is private and the bot was not invited to it`,
      },
    });
  };

  return {
    kind: 'slack_channel',

    async read(externalId: string, resource: AccessResource): Promise<AccessState> {
      let channelMembers: ReadonlySet<string>;
      try {
        channelMembers = await members.members(resource.resourceId);
      } catch (error) {
        throw failure(error, 'conversations.members', resource);
      }
      if (channelMembers.has(externalId)) return 'held';
      const user = await users.lookup(externalId);
      return !user || user.deleted ? 'not_in_scope' : 'absent';
    },

    readIsLocal(externalId: string, resource: AccessResource): boolean {
      const channelMembers = members.freshMembers(resource.resourceId);
      return channelMembers !== undefined && (channelMembers.has(externalId) || users.isFresh(externalId));
    },

    async grant(externalId: string, resource: AccessResource): Promise<GrantOutcome> {
      try {
        await client.conversations.invite({ channel: resource.resourceId, users: externalId });
      } catch (error) {
        const code = slackErrorCode(error);
        if (code !== undefined && memberGoneErrors.has(code)) return { result: 'not_in_scope' };
        if (code !== 'already_in_channel') throw failure(error, 'conversations.invite', resource);
      }
      members.joined(resource.resourceId, externalId);
      return { result: 'granted' };
    },

    async revoke(externalId: string, resource: AccessResource): Promise<void> {
      try {
        await client.conversations.kick({ channel: resource.resourceId, user: externalId });
      } catch (error) {
        const code = slackErrorCode(error);
        // Kicking someone who is not there (or no longer exists) leaves the state we want.
        const alreadyOut = code === 'not_in_channel' || (code !== undefined && memberGoneErrors.has(code));
        if (!alreadyOut) throw failure(error, 'conversations.kick', resource);
      }
      members.left(resource.resourceId, externalId);
    },
  };
}

/** Every member of a channel, all pages. */
export async function listChannelMembers(client: webApi.WebClient, channelId: string): Promise<Set<string>> {
  const found = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel: channelId, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const member of page.members ?? []) found.add(member);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return found;
}
