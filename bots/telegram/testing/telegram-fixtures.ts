import type { Update } from 'grammy/types';
import { readJsonFixture } from '../../../core/testing/fixtures.js';

export type TelegramUpdateFixture =
  | 'message.start'
  | 'message.start_deeplink'
  | 'message.start_group'
  | 'callback_query'
  | 'chat_join_request';

/** A fresh copy of a Bot API update from test-fixtures/telegram/updates. */
export const telegramUpdate = (name: TelegramUpdateFixture): Update =>
  readJsonFixture<Update>('telegram', 'updates', `${name}.json`);

/** The fixture's message with other text (a command entity covering the command word, as Telegram sends it). */
export function commandMessage(
  name: 'message.start' | 'message.start_group',
  text: string,
  overrides: { fromId?: number; chatId?: number; updateId?: number } = {},
): Update {
  const update = telegramUpdate(name);
  const message = update.message!;
  const commandLength = text.split(/\s/, 1)[0]!.length;
  Object.assign(message, { text, entities: [{ offset: 0, length: commandLength, type: 'bot_command' }] });
  if (overrides.fromId !== undefined) Object.assign(message.from!, { id: overrides.fromId });
  if (overrides.chatId !== undefined) Object.assign(message.chat, { id: overrides.chatId });
  else if (overrides.fromId !== undefined && message.chat.type === 'private')
    Object.assign(message.chat, { id: overrides.fromId });
  if (overrides.updateId !== undefined) update.update_id = overrides.updateId;
  return update;
}

/** The fixture's callback query with other button data. */
export function buttonPress(data: string, overrides: { fromId?: number } = {}): Update {
  const update = telegramUpdate('callback_query');
  const query = update.callback_query!;
  query.data = data;
  if (overrides.fromId !== undefined) {
    Object.assign(query.from, { id: overrides.fromId });
    if (query.message) Object.assign(query.message.chat, { id: overrides.fromId });
  }
  return update;
}

/** The fixture's join request, for another member or chat when given. */
export function joinRequest(overrides: { fromId?: number; chatId?: number } = {}): Update {
  const update = telegramUpdate('chat_join_request');
  const request = update.chat_join_request!;
  if (overrides.fromId !== undefined) {
    Object.assign(request.from, { id: overrides.fromId });
    request.user_chat_id = overrides.fromId;
  }
  if (overrides.chatId !== undefined) Object.assign(request.chat, { id: overrides.chatId });
  return update;
}

/**
 * A chat_member update for a member joining (no published fixture exists): the chat, member,
 * date and invite link of the join request fixture, in the ChatMemberUpdated shape of the Bot API.
 */
export function memberJoined(
  overrides: { fromId?: number; chatId?: number; inviteLinkName?: string; inviteCreatorId?: number } = {},
): Update {
  const request = joinRequest(overrides).chat_join_request!;
  const inviteLink = request.invite_link!;
  return {
    update_id: 905678006,
    chat_member: {
      chat: request.chat,
      from: request.from,
      date: request.date,
      old_chat_member: { status: 'left', user: request.from },
      new_chat_member: { status: 'member', user: request.from },
      invite_link: {
        ...inviteLink,
        creates_join_request: false,
        ...(overrides.inviteLinkName === undefined ? {} : { name: overrides.inviteLinkName }),
        ...(overrides.inviteCreatorId === undefined
          ? {}
          : { creator: { ...inviteLink.creator, id: overrides.inviteCreatorId } }),
      },
    },
  };
}
