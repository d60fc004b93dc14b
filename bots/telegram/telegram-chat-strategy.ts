import type { Api } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { AccessResource, AccessState, AccessStrategy, GrantOutcome } from '../../core/ports/chat-platform.js';
import type { Clock } from '../../core/ports/clock.js';
import { isInviteGone, isUnknownMember, toPlatformError } from './telegram-errors.js';

export interface TelegramChatStrategyOptions {
  api: Api;
  clock: Clock;
  inviteTtlMinutes: number;
}

/** Prefix of the invite links the bot makes for one member: `cm:<telegram user id>` (Telegram allows 32 chars). */
export const memberInviteNamePrefix = 'cm:';

/** Which member an invite link was made for, from its name; undefined for links we did not make. */
export const invitedMemberOf = (linkName: string | undefined) =>
  linkName?.startsWith(memberInviteNamePrefix) ? linkName.slice(memberInviteNamePrefix.length) : undefined;

export function isChatMember(member: ChatMember): boolean {
  if (member.status === 'restricted') return member.is_member;
  return member.status === 'creator' || member.status === 'administrator' || member.status === 'member';
}

/**
 * Telegram chats and channels. A bot cannot add someone to a chat, so a grant is a personal
 * invite link (one use, expiring) that core sends by DM; a revoke is ban then unban, which
 * removes the member and leaves them free to come back through a new link after paying.
 */
export function createTelegramChatStrategy(options: TelegramChatStrategyOptions): AccessStrategy {
  const { api, clock } = options;
  const userIdOf = (externalId: string) => Number(externalId);
  const call = async <T>(work: () => Promise<T>, externalId: string, resource: AccessResource): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toPlatformError(error, { chatId: resource.resourceId, userId: externalId });
    }
  };

  return {
    kind: 'telegram_chat',

    async read(externalId, resource) {
      try {
        const member = await api.getChatMember(resource.resourceId, userIdOf(externalId));
        return (isChatMember(member) ? 'held' : 'absent') satisfies AccessState;
      } catch (error) {
        // Telegram has never seen this user in the chat: nothing held, and a link can still be sent.
        if (isUnknownMember(error)) return 'absent';
        throw toPlatformError(error, { chatId: resource.resourceId, userId: externalId });
      }
    },

    async grant(externalId, resource): Promise<GrantOutcome> {
      const userId = userIdOf(externalId);
      return call(
        async () => {
          // A member banned earlier (a revoke whose unban failed, a moderator's ban) cannot use
          // an invite link; entitlements decide access, so the ban is lifted first. No-op otherwise.
          await api.unbanChatMember(resource.resourceId, userId, { only_if_banned: true });
          const expiresAt = new Date(clock.now().getTime() + options.inviteTtlMinutes * 60_000);
          const link = await api.createChatInviteLink(resource.resourceId, {
            name: `${memberInviteNamePrefix}${externalId}`.slice(0, 32),
            member_limit: 1,
            expire_date: Math.floor(expiresAt.getTime() / 1000),
          });
          return { result: 'invited', inviteUrl: link.invite_link, expiresAt };
        },
        externalId,
        resource,
      );
    },

    async withdrawInvite(externalId, resource, inviteUrl) {
      try {
        await api.revokeChatInviteLink(resource.resourceId, inviteUrl);
      } catch (error) {
        // Expired, used up or already revoked: it cannot let anyone in either way.
        if (isInviteGone(error)) return;
        throw toPlatformError(error, { chatId: resource.resourceId, userId: externalId });
      }
    },

    async revoke(externalId, resource) {
      const userId = userIdOf(externalId);
      await call(
        async () => {
          try {
            await api.banChatMember(resource.resourceId, userId);
          } catch (error) {
            // Never in the chat: there is nothing to take away.
            if (isUnknownMember(error)) return;
            throw error;
          }
          await api.unbanChatMember(resource.resourceId, userId, { only_if_banned: true });
        },
        externalId,
        resource,
      );
    },
  };
}
