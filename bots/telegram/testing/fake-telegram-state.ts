import { randomBytes } from 'node:crypto';
import type { Chat, ChatInviteLink, ChatMember, Update, User, UserFromGetMe } from 'grammy/types';

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** A Bot API error answer; thrown by state operations and sent as the HTTP body. */
export class TelegramApiFailure extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

export interface BotRights {
  canInviteUsers: boolean;
  canRestrictMembers: boolean;
}

interface FakeChat {
  chat: Chat.GroupChat | Chat.SupergroupChat | Chat.ChannelChat;
  members: Map<number, { status: MemberStatus; isMember?: boolean }>;
  /** undefined: the bot is an ordinary member, not an administrator. */
  botRights: BotRights | undefined;
  pendingJoinRequests: Set<number>;
}

export interface SentMessage {
  messageId: number;
  chatId: string;
  text: string;
  parseMode: string | undefined;
  replyMarkup: unknown;
  replyToMessageId: number | undefined;
}

export interface FakeInviteLink extends ChatInviteLink {
  chatId: string;
  uses: number;
}

const adminMember = (user: User, rights: BotRights): ChatMember => ({
  status: 'administrator',
  user,
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: rights.canRestrictMembers,
  can_promote_members: false,
  can_change_info: false,
  can_invite_users: rights.canInviteUsers,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_send_welcome_messages: false,
});

const restrictedMember = (user: User, isMember: boolean): ChatMember =>
  ({
    status: 'restricted',
    user,
    is_member: isMember,
    can_send_messages: false,
    can_send_audios: false,
    can_send_documents: false,
    can_send_photos: false,
    can_send_videos: false,
    can_send_video_notes: false,
    can_send_voice_notes: false,
    can_send_polls: false,
    can_send_other_messages: false,
    can_add_web_page_previews: false,
    can_change_info: false,
    can_invite_users: false,
    can_pin_messages: false,
    can_manage_topics: false,
    until_date: 0,
  }) as ChatMember;

const joinedStatuses = new Set<MemberStatus>(['creator', 'administrator', 'member']);

/**
 * What the fake Bot API knows: chats with their members and the bot's rights, users who started
 * the bot, invite links, join requests and every message sent. Errors are Telegram's own
 * wording, so the adapter's classification is tested against what Telegram really says.
 */
export class FakeTelegramState {
  readonly chats = new Map<string, FakeChat>();
  readonly users = new Map<number, User>();
  /** Users who pressed Start (the bot may DM them) and users who blocked the bot. */
  readonly startedUsers = new Set<number>();
  readonly blockedUsers = new Set<number>();
  readonly inviteLinks = new Map<string, FakeInviteLink>();
  readonly messages: SentMessage[] = [];
  readonly pendingUpdates: Update[] = [];
  webhook: { url: string; secretToken: string | undefined } | undefined;
  commands: Array<{ scope: unknown; commands: unknown }> = [];
  private nextMessageId = 1000;
  private nextUpdateId = 1;

  constructor(
    readonly bot: UserFromGetMe,
    private readonly now: () => Date,
    private readonly onUpdate: () => void = () => {},
  ) {}

  user(id: number): User {
    return this.users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` };
  }

  /** `botRights: null`: the bot is in the chat as an ordinary member, not an administrator. */
  addChat(chat: FakeChat['chat'], botRights: BotRights | null = { canInviteUsers: true, canRestrictMembers: true }) {
    this.chats.set(String(chat.id), {
      chat,
      members: new Map(),
      botRights: botRights ?? undefined,
      pendingJoinRequests: new Set(),
    });
  }

  chat(chatId: unknown): FakeChat {
    const found = this.chats.get(String(chatId));
    if (!found) throw new TelegramApiFailure(400, 'Bad Request: chat not found');
    return found;
  }

  setMember(chatId: string | number, userId: number, status: MemberStatus, isMember = true) {
    this.chat(chatId).members.set(userId, status === 'restricted' ? { status, isMember } : { status });
  }

  statusOf(chatId: string | number, userId: number): MemberStatus {
    return this.chat(chatId).members.get(userId)?.status ?? 'left';
  }

  chatMember(chatId: unknown, userId: number): ChatMember {
    const chat = this.chat(chatId);
    const user = this.user(userId);
    if (userId === this.bot.id) {
      return chat.botRights ? adminMember(this.bot, chat.botRights) : { status: 'member', user: this.bot };
    }
    const entry = chat.members.get(userId);
    switch (entry?.status) {
      case 'creator':
        return { status: 'creator', user, is_anonymous: false };
      case 'administrator':
        return adminMember(user, { canInviteUsers: true, canRestrictMembers: true });
      case 'member':
        return { status: 'member', user };
      case 'restricted':
        return restrictedMember(user, entry.isMember ?? true);
      case 'kicked':
        return { status: 'kicked', user, until_date: 0 };
      default:
        return { status: 'left', user };
    }
  }

  administrators(chatId: unknown): ChatMember[] {
    const chat = this.chat(chatId);
    const ids = [...chat.members].filter(([, entry]) => entry.status === 'creator' || entry.status === 'administrator');
    const admins = ids.map(([id]) => this.chatMember(chatId, id));
    if (chat.botRights) admins.push(this.chatMember(chatId, this.bot.id));
    return admins;
  }

  requireRight(chatId: unknown, right: keyof BotRights, description: string) {
    const rights = this.chat(chatId).botRights;
    if (!rights) throw new TelegramApiFailure(400, 'Bad Request: CHAT_ADMIN_REQUIRED');
    if (!rights[right]) throw new TelegramApiFailure(400, `Bad Request: not enough rights to ${description}`);
  }

  createInviteLink(chatId: unknown, options: { name?: string; expire_date?: number; member_limit?: number }) {
    this.requireRight(chatId, 'canInviteUsers', 'manage chat invite link');
    const link: FakeInviteLink = {
      invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
      creator: this.bot,
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
      ...(options.name ? { name: options.name } : {}),
      ...(options.expire_date ? { expire_date: options.expire_date } : {}),
      ...(options.member_limit ? { member_limit: options.member_limit } : {}),
      chatId: String(chatId),
      uses: 0,
    };
    this.inviteLinks.set(link.invite_link, link);
    const { chatId: _chat, uses: _uses, ...published } = link;
    return published;
  }

  revokeInviteLink(chatId: unknown, url: string) {
    this.requireRight(chatId, 'canInviteUsers', 'manage chat invite link');
    const link = this.inviteLinks.get(url);
    if (!link || link.chatId !== String(chatId)) throw new TelegramApiFailure(400, 'Bad Request: INVITE_HASH_EXPIRED');
    link.is_revoked = true;
    const { chatId: _chat, uses: _uses, ...published } = link;
    return published;
  }

  ban(chatId: unknown, userId: number) {
    this.requireRight(chatId, 'canRestrictMembers', 'restrict/unrestrict chat member');
    const status = this.statusOf(String(chatId), userId);
    if (status === 'creator') throw new TelegramApiFailure(400, "Bad Request: can't remove chat owner");
    if (status === 'administrator')
      throw new TelegramApiFailure(400, 'Bad Request: user is an administrator of the chat');
    this.setMember(String(chatId), userId, 'kicked');
  }

  unban(chatId: unknown, userId: number, onlyIfBanned: boolean) {
    this.requireRight(chatId, 'canRestrictMembers', 'restrict/unrestrict chat member');
    const status = this.statusOf(String(chatId), userId);
    if (status === 'kicked' || (!onlyIfBanned && status !== 'creator' && status !== 'administrator'))
      this.setMember(String(chatId), userId, 'left');
  }

  send(chatId: unknown, text: string, options: Record<string, unknown>): SentMessage {
    const id = Number(chatId);
    if (id > 0) {
      if (this.blockedUsers.has(id)) throw new TelegramApiFailure(403, 'Forbidden: bot was blocked by the user');
      if (!this.startedUsers.has(id))
        throw new TelegramApiFailure(403, "Forbidden: bot can't initiate conversation with a user");
    } else this.chat(chatId);
    const replyParameters = options.reply_parameters as { message_id?: number } | undefined;
    const message: SentMessage = {
      messageId: this.nextMessageId++,
      chatId: String(chatId),
      text,
      parseMode: options.parse_mode as string | undefined,
      replyMarkup: options.reply_markup,
      replyToMessageId: replyParameters?.message_id,
    };
    this.messages.push(message);
    return message;
  }

  private update(payload: Omit<Update, 'update_id'>): Update {
    const update = { update_id: this.nextUpdateId++, ...payload } as Update;
    this.pendingUpdates.push(update);
    this.onUpdate();
    return update;
  }

  private memberUpdate(chatId: string, userId: number, before: MemberStatus, inviteLink?: ChatInviteLink): Update {
    const chat = this.chat(chatId);
    const previous = { ...this.chatMember(chatId, userId) };
    if (previous.status !== before) Object.assign(previous, { status: before });
    return this.update({
      chat_member: {
        chat: chat.chat,
        from: this.user(userId),
        date: Math.floor(this.now().getTime() / 1000),
        old_chat_member: before === 'left' ? { status: 'left', user: this.user(userId) } : previous,
        new_chat_member: this.chatMember(chatId, userId),
        ...(inviteLink ? { invite_link: inviteLink } : {}),
      },
    } as Omit<Update, 'update_id'>);
  }

  /** The member opens an invite link: refused like Telegram would (expired, used up, banned), else they join. */
  followInvite(userId: number, url: string): Update {
    const link = this.inviteLinks.get(url);
    if (!link || link.is_revoked) throw new TelegramApiFailure(400, 'INVITE_HASH_INVALID');
    if (link.expire_date && link.expire_date * 1000 <= this.now().getTime())
      throw new TelegramApiFailure(400, 'INVITE_HASH_EXPIRED');
    if (link.member_limit && link.uses >= link.member_limit) throw new TelegramApiFailure(400, 'USERS_TOO_MUCH');
    const before = this.statusOf(link.chatId, userId);
    if (before === 'kicked') throw new TelegramApiFailure(400, 'USER_BANNED_IN_CHANNEL');
    if (joinedStatuses.has(before)) throw new TelegramApiFailure(400, 'USER_ALREADY_PARTICIPANT');
    link.uses += 1;
    this.setMember(link.chatId, userId, 'member');
    const { chatId: _chat, uses: _uses, ...published } = link;
    return this.memberUpdate(link.chatId, userId, before, published);
  }

  /** The member leaves the chat on their own. */
  leave(chatId: string, userId: number): Update {
    const before = this.statusOf(chatId, userId);
    this.setMember(chatId, userId, 'left');
    const update = this.memberUpdate(chatId, userId, before);
    return update;
  }

  /** The member asks to join through a join-request link; the bot may DM them for a while. */
  requestToJoin(chatId: string, userId: number): Update {
    const chat = this.chat(chatId);
    chat.pendingJoinRequests.add(userId);
    return this.update({
      chat_join_request: {
        chat: chat.chat,
        from: this.user(userId),
        user_chat_id: userId,
        date: Math.floor(this.now().getTime() / 1000),
      },
    } as Omit<Update, 'update_id'>);
  }

  answerJoinRequest(chatId: unknown, userId: number, approve: boolean) {
    const chat = this.chat(chatId);
    if (!chat.pendingJoinRequests.delete(userId))
      throw new TelegramApiFailure(400, 'Bad Request: HIDE_REQUESTER_MISSING');
    if (approve) this.setMember(String(chatId), userId, 'member');
  }

  /** Updates waiting for getUpdates, from `offset` on (older ones are confirmed and dropped). */
  takeUpdates(offset: number | undefined, limit: number): Update[] {
    if (offset !== undefined) {
      while (this.pendingUpdates.length && this.pendingUpdates[0]!.update_id < offset) this.pendingUpdates.shift();
    }
    return this.pendingUpdates.slice(0, limit);
  }

  /** Puts an update (a fixture) in the getUpdates queue with the next update id. */
  queueUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const { update_id: _ignored, ...payload } = update;
    return this.update(payload);
  }
}
