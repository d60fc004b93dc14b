import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Clock } from '../../core/ports/clock.js';

export interface TelegramModeratorCheckOptions {
  api: Api;
  /** TELEGRAM_ADMIN_CHAT_IDS: creators and administrators of these chats are moderators. */
  adminChatIds: readonly string[];
  clock: Clock;
  logger: Logger;
  /** How long a chat's administrator list is trusted. */
  ttlMs?: number;
}

/**
 * Is this Telegram user a creator or administrator of one of the admin chats? One
 * getChatAdministrators call per chat serves every member for a few minutes, instead of a
 * getChatMember per member per chat; a demoted admin loses moderation within that time.
 * A failed lookup counts as "not an admin" and is not remembered.
 */
export function createTelegramModeratorCheck(options: TelegramModeratorCheckOptions) {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const cached = new Map<string, { admins: Set<number>; fetchedAt: number }>();
  const inFlight = new Map<string, Promise<Set<number>>>();

  async function adminsOf(chatId: string): Promise<Set<number>> {
    const now = options.clock.now().getTime();
    const entry = cached.get(chatId);
    if (entry && now - entry.fetchedAt < ttlMs) return entry.admins;
    let pending = inFlight.get(chatId);
    if (!pending) {
      pending = options.api
        .getChatAdministrators(chatId)
        .then((members) => {
          const admins = new Set(members.map((member) => member.user.id));
          cached.set(chatId, { admins, fetchedAt: now });
          return admins;
        })
        .finally(() => inFlight.delete(chatId));
      inFlight.set(chatId, pending);
    }
    return pending;
  }

  return async function isTelegramModerator(userId: number): Promise<boolean> {
    for (const chatId of options.adminChatIds) {
      try {
        if ((await adminsOf(chatId)).has(userId)) return true;
      } catch (error) {
        options.logger.warn({ err: error, chatId }, 'telegram admin list unavailable; treating as not a moderator');
      }
    }
    return false;
  };
}
