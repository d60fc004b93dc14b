import { Bot } from 'grammy';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AccessResource } from '../../core/ports/chat-platform.js';
import { createFakeClock } from '../../core/testing/fake-clock.js';
import type { CommandReply } from '../command-types.js';
import { createRouterDouble } from '../testing/router-double.js';
import { createTelegramModeratorCheck } from './telegram-moderators.js';
import { installTelegramUpdates } from './telegram-updates.js';
import { captureBotApi } from './testing/capture-bot-api.js';
import { buttonPress, commandMessage, joinRequest, memberJoined, telegramUpdate } from './testing/telegram-fixtures.js';
import { testBotInfo, testBotToken } from './testing/test-bot-info.js';

const member = 123456789;
const groupId = -1001234567890;
const adminChat = '-1009999999999';
const unmanagedChat = '-1005555555555';

function setup(
  options: {
    run?: (invocation: { name: string }) => CommandReply;
    press?: (action: string) => CommandReply;
    entitled?: Set<string>;
    admins?: number[];
  } = {},
) {
  const bot = new Bot(testBotToken, { botInfo: testBotInfo });
  const clock = createFakeClock();
  const api = captureBotApi(bot.api, { botInfo: testBotInfo });
  api.answer('getChatAdministrators', () => ({
    result: (options.admins ?? []).map((id) => ({
      status: 'administrator',
      user: { id, is_bot: false, first_name: 'A' },
    })),
  }));
  const router = createRouterDouble({
    ...(options.run ? { run: options.run } : {}),
    ...(options.press ? { press: options.press } : {}),
  });
  const checks: Array<{ externalId: string; resource: AccessResource }> = [];
  const errors: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
  installTelegramUpdates(bot, {
    router: router.router,
    access: {
      async shouldHold(_platform, externalId, resource) {
        checks.push({ externalId, resource });
        return options.entitled?.has(`${externalId}@${resource.resourceId}`) ?? false;
      },
      manages: async (resource) => resource.resourceId !== unmanagedChat,
    },
    isModerator: createTelegramModeratorCheck({ api: bot.api, adminChatIds: [adminChat], clock, logger }),
    logger,
  });
  return { bot, api, router, checks, errors, clock };
}

const checkoutReply: CommandReply = {
  text: 'Your checkout link for **Pro**:',
  buttons: [{ label: 'Pay $49.00', url: 'https://shop.example.com/c/token123' }],
  private: true,
};

describe('telegram updates', () => {
  it('a typed command reaches the router as the member and the reply is sent with its inline keyboard', async () => {
    const { bot, api, router } = setup({
      run: () => ({
        text: 'Plans',
        buttons: [
          { label: 'Pro – $49.00/mo', action: 'sub:pro' },
          { label: 'Compare', url: 'https://shop.example.com/pricing' },
        ],
        private: true,
      }),
    });
    await bot.handleUpdate(commandMessage('message.start', '/tiers'));

    expect(router.runs).toHaveLength(1);
    expect(router.runs[0]!.invocation).toMatchObject({ name: 'tiers' });
    expect(router.runs[0]!.actor).toEqual({
      platform: 'telegram',
      externalId: String(member),
      username: 'johnsmith',
      displayName: 'John Smith',
      scopeId: undefined,
      platformModerator: false,
    });
    const [sent] = api.callsTo('sendMessage');
    expect(sent).toMatchObject({ chat_id: member, text: 'Plans', parse_mode: 'HTML' });
    expect(sent!.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Pro – $49.00/mo', callback_data: 'sub:pro' }],
        [{ text: 'Compare', url: 'https://shop.example.com/pricing' }],
      ],
    });
  });

  it('passes arguments and the /start deep-link payload through the router parser', async () => {
    const { bot, router } = setup();
    await bot.handleUpdate(commandMessage('message.start', '/subscribe@PaywallTestBot pro crypto'));
    await bot.handleUpdate(telegramUpdate('message.start_deeplink'));
    expect(router.runs.map((run) => run.invocation)).toEqual([
      { name: 'subscribe', subcommand: undefined, args: { plan: 'pro', method: 'crypto' } },
      { name: 'start', args: { text: 'join_comm_123' } },
    ]);
  });

  it('ignores plain chatter and commands addressed to another bot', async () => {
    const { bot, router, api } = setup();
    await bot.handleUpdate(commandMessage('message.start_group', '/tiers@SomeOtherBot'));
    await bot.handleUpdate(commandMessage('message.start_group', 'hello /tiers'));
    expect(router.runs).toHaveLength(0);
    expect(api.callsTo('sendMessage')).toHaveLength(0);
  });

  it('a private reply asked in a group goes to the member by DM; the group only hears that it did', async () => {
    const { bot, api, router } = setup({ run: () => checkoutReply });
    await bot.handleUpdate(commandMessage('message.start_group', '/subscribe@PaywallTestBot pro'));

    expect(router.runs[0]!.actor.scopeId).toBe(String(groupId));
    const sent = api.callsTo('sendMessage');
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ chat_id: member, text: 'Your checkout link for <b>Pro</b>:' });
    expect(sent[0]!.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Pay $49.00', url: 'https://shop.example.com/c/token123' }]],
    });
    expect(sent[1]).toMatchObject({
      chat_id: groupId,
      text: '@johnsmith, I sent you a private message.',
      reply_parameters: { message_id: 7, allow_sending_without_reply: true },
    });
    expect(JSON.stringify(sent[1])).not.toContain('token123');
  });

  it('when the member never started the bot, the group gets a start link and never the private content', async () => {
    const { bot, api } = setup({ run: () => checkoutReply });
    api.answer('sendMessage', (payload) =>
      payload.chat_id === member
        ? { error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" }
        : { result: { message_id: 9, date: 0, chat: { id: groupId, type: 'supergroup', title: 'x' } } },
    );
    await bot.handleUpdate(commandMessage('message.start_group', '/subscribe pro'));

    const toGroup = api.callsTo('sendMessage').filter((payload) => payload.chat_id === groupId);
    expect(toGroup).toHaveLength(1);
    expect(toGroup[0]!.text).toContain('https://t.me/PaywallTestBot?start=help');
    expect(toGroup[0]!.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Open a private chat', url: 'https://t.me/PaywallTestBot?start=help' }]],
    });
    expect(JSON.stringify(toGroup)).not.toContain('token123');
    expect(JSON.stringify(toGroup)).not.toContain('checkout');
  });

  it('a public reply asked in a group is answered in the group, as a reply to the command', async () => {
    const { bot, api } = setup({ run: () => ({ text: 'Commands: /tiers', private: false }) });
    await bot.handleUpdate(commandMessage('message.start_group', '/help'));
    expect(api.callsTo('sendMessage')).toEqual([
      expect.objectContaining({ chat_id: groupId, text: 'Commands: /tiers', reply_parameters: expect.anything() }),
    ]);
  });

  it('an administrator of an admin chat runs commands as a platform moderator; anyone else does not', async () => {
    const { bot, router } = setup({ admins: [555] });
    await bot.handleUpdate(commandMessage('message.start', '/admin stats', { fromId: 555 }));
    await bot.handleUpdate(commandMessage('message.start', '/admin stats'));
    expect(router.runs.map((run) => [run.actor.externalId, run.actor.platformModerator])).toEqual([
      ['555', true],
      [String(member), false],
    ]);
  });

  it('the admin list is asked once per few minutes, so a demoted admin loses moderation after that', async () => {
    const admins = [555];
    const { bot, router, api, clock } = setup({ admins });
    await bot.handleUpdate(commandMessage('message.start', '/admin stats', { fromId: 555 }));
    admins.length = 0;
    await bot.handleUpdate(commandMessage('message.start', '/tiers', { fromId: 555 }));
    expect(api.callsTo('getChatAdministrators')).toEqual([{ chat_id: adminChat }]);
    clock.advance(5 * 60_000);
    await bot.handleUpdate(commandMessage('message.start', '/admin stats', { fromId: 555 }));
    expect(api.callsTo('getChatAdministrators')).toHaveLength(2);
    expect(router.runs.map((run) => run.actor.platformModerator)).toEqual([true, true, false]);
  });

  it('a failed admin lookup counts as not a moderator and is asked again next time', async () => {
    const { bot, router, api } = setup({ admins: [555] });
    const answerAdmins = { result: [{ status: 'administrator', user: { id: 555, is_bot: false, first_name: 'A' } }] };
    api.answer('getChatAdministrators', { error_code: 502, description: 'Bad Gateway' });
    await bot.handleUpdate(commandMessage('message.start', '/admin stats', { fromId: 555 }));
    api.answer('getChatAdministrators', answerAdmins);
    await bot.handleUpdate(commandMessage('message.start', '/admin stats', { fromId: 555 }));
    expect(router.runs.map((run) => run.actor.platformModerator)).toEqual([false, true]);
  });

  it('a button press reaches the router, its reply is sent, and the callback query is answered', async () => {
    const { bot, api, router } = setup({ press: () => ({ text: 'Checkout: **Pro**', private: true }) });
    await bot.handleUpdate(buttonPress('sub:pro'));

    expect(router.presses).toEqual([
      { actor: expect.objectContaining({ externalId: String(member) }), action: 'sub:pro' },
    ]);
    expect(api.callsTo('answerCallbackQuery')).toEqual([{ callback_query_id: '4382bfdwdsb323b2d9' }]);
    expect(api.callsTo('sendMessage')).toEqual([
      expect.objectContaining({ chat_id: member, text: 'Checkout: <b>Pro</b>' }),
    ]);
  });

  it('the callback query is answered even when delivering the reply fails', async () => {
    const { bot, api, errors } = setup();
    api.answer('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    await bot.handleUpdate(buttonPress('sub:pro'));
    expect(api.callsTo('answerCallbackQuery')).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('a join request is approved for a member entitled to that chat', async () => {
    const { bot, api, checks } = setup({ entitled: new Set([`${member}@${groupId}`]) });
    await bot.handleUpdate(joinRequest());
    expect(checks).toEqual([
      {
        externalId: String(member),
        resource: { kind: 'telegram_chat', scopeId: '', resourceId: String(groupId), label: 'Pro Members' },
      },
    ]);
    expect(api.callsTo('approveChatJoinRequest')).toEqual([{ chat_id: groupId, user_id: member }]);
    expect(api.callsTo('declineChatJoinRequest')).toHaveLength(0);
  });

  it('a join request from a member without the entitlement is declined, with a hint by DM', async () => {
    const { bot, api } = setup({ entitled: new Set([`${member}@-100777`]) });
    await bot.handleUpdate(joinRequest());
    expect(api.callsTo('approveChatJoinRequest')).toHaveLength(0);
    expect(api.callsTo('declineChatJoinRequest')).toEqual([{ chat_id: groupId, user_id: member }]);
    expect(api.callsTo('sendMessage')).toEqual([
      expect.objectContaining({ chat_id: member, text: expect.stringContaining('/tiers') }),
    ]);
  });

  it('a join request to a chat no plan grants is left for its own admins', async () => {
    const { bot, api, checks } = setup();
    await bot.handleUpdate(joinRequest({ chatId: Number(unmanagedChat) }));
    expect(checks).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });

  it('a member joining a chat has their access reconciled', async () => {
    const { bot, router } = setup();
    await bot.handleUpdate(memberJoined({ inviteLinkName: `cm:${member}` }));
    expect(router.joins).toEqual([{ platform: 'telegram', externalId: String(member) }]);
  });

  it('someone joining through a member link made for another person is removed unless entitled', async () => {
    const { bot, api, router } = setup();
    await bot.handleUpdate(memberJoined({ fromId: 42, inviteLinkName: `cm:${member}` }));
    expect(router.joins).toHaveLength(0);
    expect(api.calls.map((call) => call.method)).toEqual(['banChatMember', 'unbanChatMember']);
    expect(api.callsTo('unbanChatMember')).toEqual([{ chat_id: groupId, user_id: 42, only_if_banned: true }]);
  });

  it('an entitled member using a forwarded link stays and is reconciled', async () => {
    const { bot, api, router } = setup({ entitled: new Set([`42@${groupId}`]) });
    await bot.handleUpdate(memberJoined({ fromId: 42, inviteLinkName: `cm:${member}` }));
    expect(api.callsTo('banChatMember')).toHaveLength(0);
    expect(router.joins).toEqual([{ platform: 'telegram', externalId: '42' }]);
  });
});
