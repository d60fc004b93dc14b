import type { Api, Bot, Context } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { Logger } from 'pino';
import type { AccessResource } from '../../core/ports/chat-platform.js';
import type { CommandActor, CommandReply, CommandRouter } from '../command-types.js';
import { escapeHtml, renderTelegramReply } from './render-telegram-reply.js';
import { invitedMemberOf, isChatMember } from './telegram-chat-strategy.js';
import { isDirectMessageRefused } from './telegram-errors.js';

/** The part of core's access sync the adapter asks. */
export interface TelegramAccessCheck {
  /** May this member be in this chat right now? */
  shouldHold(platform: 'telegram', externalId: string, resource: AccessResource): Promise<boolean>;
  /** Does some plan grant this chat? Other chats the bot administers are none of its business. */
  manages(resource: AccessResource): Promise<boolean>;
}

export interface TelegramUpdateDependencies {
  router: CommandRouter;
  access: TelegramAccessCheck;
  /** Creator or administrator of one of TELEGRAM_ADMIN_CHAT_IDS. */
  isModerator(userId: number): Promise<boolean>;
  logger: Logger;
}

/** A Telegram chat as an access resource (chat ids are global, so no scope). */
export const chatResource = (chat: Pick<Chat, 'id'> & { title?: string }): AccessResource => ({
  kind: 'telegram_chat',
  scopeId: '',
  resourceId: String(chat.id),
  label: chat.title ?? '',
});

const displayNameOf = (user: User) => [user.first_name, user.last_name].filter(Boolean).join(' ');

/** `/tiers@OtherBot` in a group is for another bot. */
function addressedToAnotherBot(text: string, botUsername: string): boolean {
  const head = text.slice(1).split(/\s/, 1)[0] ?? '';
  const at = head.indexOf('@');
  return at !== -1 && head.slice(at + 1).toLowerCase() !== botUsername.toLowerCase();
}

/**
 * The Telegram updates the shop reacts to: commands typed as text, inline keyboard presses,
 * join requests (approved only for members entitled to the chat) and members joining (their
 * access is reconciled at once). Each handler logs its own failures: one bad update never stops
 * polling, and a webhook still answers 200 so Telegram does not replay it forever.
 */
export function installTelegramUpdates(bot: Bot, dependencies: TelegramUpdateDependencies): void {
  const { router, access, logger } = dependencies;

  async function actorOf(user: User, chat: Pick<Chat, 'id' | 'type'> | undefined): Promise<CommandActor> {
    return {
      platform: 'telegram',
      externalId: String(user.id),
      username: user.username,
      displayName: displayNameOf(user),
      scopeId: chat && chat.type !== 'private' ? String(chat.id) : undefined,
      platformModerator: await dependencies.isModerator(user.id),
    };
  }

  /**
   * Where a reply goes: in the chat it was asked in, except a private reply asked in a group,
   * which goes to the member's DM; the group only learns that (or how to open the DM).
   */
  async function deliver(
    context: Context,
    reply: CommandReply,
    user: User,
    chat: Pick<Chat, 'id' | 'type'> | undefined,
    replyToMessageId: number | undefined,
  ) {
    const api: Api = context.api;
    const rendered = renderTelegramReply(reply);
    const inGroup = chat !== undefined && chat.type !== 'private';
    const threadReply =
      replyToMessageId === undefined
        ? {}
        : { reply_parameters: { message_id: replyToMessageId, allow_sending_without_reply: true } };
    if (!inGroup) {
      await api.sendMessage(chat?.id ?? user.id, rendered.text, rendered.options);
      return;
    }
    if (!reply.private) {
      await api.sendMessage(chat.id, rendered.text, { ...rendered.options, ...threadReply });
      return;
    }
    const mention = escapeHtml(user.username ? `@${user.username}` : user.first_name);
    try {
      await api.sendMessage(user.id, rendered.text, rendered.options);
    } catch (error) {
      if (!isDirectMessageRefused(error)) throw error;
      const startLink = `https://t.me/${context.me.username}?start=help`;
      const note = renderTelegramReply({
        text: `${user.username ? `@${user.username}` : user.first_name}, I can only answer that privately. Open a chat with me, press Start, then ask again: ${startLink}`,
        buttons: [{ label: 'Open a private chat', url: startLink }],
      });
      await api.sendMessage(chat.id, note.text, { ...note.options, ...threadReply });
      return;
    }
    await api.sendMessage(chat.id, `${mention}, I sent you a private message.`, { parse_mode: 'HTML', ...threadReply });
  }

  const logged =
    <Arguments extends unknown[]>(label: string, handler: (context: Context, ...rest: Arguments) => Promise<void>) =>
    async (context: Context, ...rest: Arguments) => {
      try {
        await handler(context, ...rest);
      } catch (error) {
        logger.error({ err: error, update: context.update.update_id, handler: label }, 'telegram update failed');
      }
    };

  bot.on(
    'message:text',
    logged('command', async (context) => {
      const message = context.message!;
      const user = message.from;
      const text = message.text ?? '';
      if (!user || user.is_bot || !text.startsWith('/')) return;
      if (addressedToAnotherBot(text, context.me.username)) return;
      const invocation = router.parse(text);
      if (!invocation) return;
      const reply = await router.run(await actorOf(user, message.chat), invocation);
      await deliver(
        context,
        reply,
        user,
        message.chat,
        message.chat.type === 'private' ? undefined : message.message_id,
      );
    }),
  );

  bot.on(
    'callback_query:data',
    logged('press', async (context) => {
      const query = context.callbackQuery!;
      const chat = query.message?.chat;
      try {
        const reply = await router.press(await actorOf(query.from, chat), query.data ?? '');
        await deliver(context, reply, query.from, chat, undefined);
      } finally {
        // Always stop the button's spinner, even when the press failed.
        await context.answerCallbackQuery().catch((error: unknown) => {
          logger.warn({ err: error }, 'telegram answerCallbackQuery failed');
        });
      }
    }),
  );

  bot.on(
    'chat_join_request',
    logged('join request', async (context) => {
      const request = context.chatJoinRequest!;
      const externalId = String(request.from.id);
      const resource = chatResource(request.chat);
      // A chat no plan grants (a free group the bot also helps in): its admins decide, not us.
      if (!(await access.manages(resource))) return;
      const allowed = await access.shouldHold('telegram', externalId, resource);
      if (allowed) {
        await context.api.approveChatJoinRequest(request.chat.id, request.from.id);
        return;
      }
      await context.api.declineChatJoinRequest(request.chat.id, request.from.id);
      // A join request lets the bot write to the requester for a few minutes: say how to get in.
      await context.api
        .sendMessage(
          request.user_chat_id,
          `${escapeHtml(request.chat.title)} is for paying members. Send /tiers to see the plans; once you subscribe I will send you an invite.`,
          { parse_mode: 'HTML' },
        )
        .catch((error: unknown) => logger.debug({ err: error }, 'telegram join hint not delivered'));
    }),
  );

  bot.on(
    'chat_member',
    logged('member joined', async (context) => {
      const change = context.chatMember!;
      const user = change.new_chat_member.user;
      if (user.is_bot || isChatMember(change.old_chat_member) || !isChatMember(change.new_chat_member)) return;
      const externalId = String(user.id);
      // Member links are single-use and personal; one forwarded to someone else lets only an entitled member stay.
      const link = change.invite_link;
      const intended = link?.creator.id === context.me.id ? invitedMemberOf(link.name) : undefined;
      if (
        intended !== undefined &&
        intended !== externalId &&
        !(await access.shouldHold('telegram', externalId, chatResource(change.chat)))
      ) {
        logger.warn({ chatId: change.chat.id, userId: user.id, intended }, 'telegram member used someone else link');
        await context.api.banChatMember(change.chat.id, user.id);
        await context.api.unbanChatMember(change.chat.id, user.id, { only_if_banned: true });
        return;
      }
      await router.memberJoined('telegram', externalId);
    }),
  );

  bot.on(
    'my_chat_member',
    logged('bot membership', async (context) => {
      const change = context.myChatMember!;
      // In a private chat this is a member blocking or unblocking the bot: nothing to manage.
      if (change.chat.type === 'private') return;
      const status = change.new_chat_member.status;
      const level = status === 'administrator' || status === 'creator' ? 'info' : 'warn';
      logger[level](
        { chatId: change.chat.id, status },
        'telegram bot membership changed; /admin sync reports what it can manage',
      );
    }),
  );
}
