import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-core.js';
import { purchases } from '../../db/schema/index.js';
import { buildApp } from '../../web/app.js';
import { createCommandRouter } from '../commands.js';
import { payCheckoutLink } from '../testing/pay-checkout-link.js';
import { createTelegramBot, type TelegramChatBot } from './create-telegram-bot.js';
import type { FakeTelegramApi } from './testing/fake-telegram-api.js';
import { buttonPress, commandMessage, telegramUpdate } from './testing/telegram-fixtures.js';
import { startTelegramTestShop, type TelegramTestShop } from './testing/telegram-test-shop.js';

const member = 123456789;
const proChat = '-1001234567890';
const adminChat = '-1009999999999';
const moderator = 555000111;

let shop: TelegramTestShop | undefined;
let fake: FakeTelegramApi;
let test: TestApp;
let telegram: TelegramChatBot;
let deliver: TelegramTestShop['deliver'];

async function setup(environment: Record<string, string> = {}) {
  shop = await startTelegramTestShop({ TELEGRAM_ADMIN_CHAT_IDS: adminChat, ...environment });
  ({ fake, test, telegram, deliver } = shop);
  await test.core.access.resources.add(
    'pro',
    { kind: 'telegram_chat', resource_id: proChat, label: 'Pro Members' },
    'test:setup',
  );
  fake.state.addChat({ id: Number(proChat), title: 'Pro Members', type: 'supergroup' });
  fake.state.addChat({ id: Number(adminChat), title: 'Staff', type: 'supergroup' });
  fake.state.setMember(adminChat, moderator, 'administrator');
  // The member talks to the bot in private, so the bot may write to them.
  fake.state.startedUsers.add(member);
  fake.state.startedUsers.add(moderator);
}

afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

const lastMessageTo = (chatId: number | string) => {
  const message = fake.messagesTo(chatId).at(-1);
  expect(message, `no message to ${chatId}`).toBeDefined();
  return message!;
};

const urlsIn = (message: { text: string; replyMarkup: unknown }) =>
  [...`${message.text} ${JSON.stringify(message.replyMarkup ?? {})}`.matchAll(/https?:\/\/[^\s"<>]+/g)].map(
    (match) => match[0],
  );

async function buyPro() {
  await deliver(commandMessage('message.start', '/subscribe pro'));
  const offer = lastMessageTo(member);
  const checkout = urlsIn(offer).find((url) => url.includes('/c/'));
  expect(checkout, offer.text).toBeDefined();
  await payCheckoutLink(test, checkout!);
}

/** The invite link in the newest DM carrying one (receipts and other notices may arrive in any order). */
function inviteLinkDelivered(): string {
  const links = fake
    .messagesTo(member)
    .flatMap((message) => urlsIn(message))
    .filter((url) => url.startsWith('https://t.me/+'));
  expect(links.length, 'no invite link sent to the member').toBeGreaterThan(0);
  const newest = links.at(-1)!;
  expect(fake.state.inviteLinks.get(newest)?.member_limit).toBe(1);
  return newest;
}

describe('the Telegram shop, end to end', () => {
  beforeEach(async () => {
    await setup();
  });

  it('/subscribe pro → private checkout link → paid → a single-use invite link arrives by DM and lets only that member in', async () => {
    await buyPro();

    expect(fake.calls('createChatInviteLink')).toEqual([
      expect.objectContaining({ chat_id: proChat, member_limit: 1, name: `cm:${member}` }),
    ]);
    const link = inviteLinkDelivered();
    const invite = fake.messagesTo(member).find((message) => urlsIn(message).includes(link))!;
    expect(invite.text).toContain('Pro Members');

    await deliver(fake.state.followInvite(member, link));
    expect(fake.state.statusOf(proChat, member)).toBe('member');
    expect(() => fake.state.followInvite(42, link)).toThrow('USERS_TOO_MUCH');
    // The join was reconciled: the member holds the chat, and no second link was made.
    expect(fake.calls('createChatInviteLink')).toHaveLength(1);
  });

  it('a checkout asked for in the group goes to the member by DM, never into the group', async () => {
    await deliver(commandMessage('message.start_group', '/subscribe@PaywallTestBot pro', { chatId: Number(proChat) }));
    expect(urlsIn(lastMessageTo(member)).some((url) => url.includes('/c/'))).toBe(true);
    const inGroup = fake.messagesTo(proChat);
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]!.text).toContain('I sent you a private message');
    expect(urlsIn(inGroup[0]!)).toEqual([]);
  });

  it('a refund confirmed by a chat admin through the bot removes the member with ban + unban, free to come back', async () => {
    await buyPro();
    await deliver(fake.state.followInvite(member, inviteLinkDelivered()));
    const [purchase] = await test.core.db.select().from(purchases);
    expect(purchase).toBeDefined();
    const requestsBefore = fake.requests.length;

    await deliver(commandMessage('message.start', `/admin refund ${purchase!.id}`, { fromId: moderator }));
    const question = lastMessageTo(moderator);
    const confirm = (question.replyMarkup as { inline_keyboard: Array<Array<{ callback_data?: string }>> })
      .inline_keyboard[0]![0]!.callback_data!;
    expect(Buffer.byteLength(confirm)).toBeLessThanOrEqual(64);
    await deliver(buttonPress(confirm, { fromId: moderator }));
    expect(fake.calls('answerCallbackQuery')).toHaveLength(1);

    const removal = fake.requests
      .slice(requestsBefore)
      .filter((request) => request.method === 'banChatMember' || request.method === 'unbanChatMember');
    expect(removal.map((request) => [request.method, request.payload.user_id])).toEqual([
      ['banChatMember', member],
      ['unbanChatMember', member],
    ]);
    expect(fake.state.statusOf(proChat, member)).toBe('left');
    const [refunded] = await test.core.db.select().from(purchases).where(eq(purchases.id, purchase!.id));
    expect(refunded!.refundedAt).not.toBeNull();
    expect(refunded!.amountRefundedMinor).toBe(purchase!.amountMinor);
  });

  it('an invite not yet followed when the payment is refunded is withdrawn, so it lets nobody in', async () => {
    await buyPro();
    const link = inviteLinkDelivered();
    const [purchase] = await test.core.db.select().from(purchases);
    await test.core.subscriptions.refund(
      { purchaseId: purchase!.id, amountMinor: null, reason: 'requested_by_customer' },
      'test:moderator',
    );
    await test.drain();

    expect(fake.calls('revokeChatInviteLink')).toEqual([
      expect.objectContaining({ chat_id: proChat, invite_link: link }),
    ]);
    expect(() => fake.state.followInvite(member, link)).toThrow('INVITE_HASH_INVALID');
    expect(fake.state.statusOf(proChat, member)).not.toBe('member');
  });

  it('a member who left gets a fresh link from the scheduled reconcile, or is let back in through a join request', async () => {
    await buyPro();
    await deliver(fake.state.followInvite(member, inviteLinkDelivered()));
    await deliver(fake.state.leave(proChat, member));
    expect(fake.state.statusOf(proChat, member)).toBe('left');

    await test.core.access.reconcileAll();
    await test.drain();
    const fresh = inviteLinkDelivered();
    expect(fake.calls('createChatInviteLink')).toHaveLength(2);
    await deliver(fake.state.followInvite(member, fresh));
    expect(fake.state.statusOf(proChat, member)).toBe('member');

    await deliver(fake.state.leave(proChat, member));
    await deliver(fake.state.requestToJoin(proChat, member));
    expect(fake.calls('approveChatJoinRequest')).toEqual([{ chat_id: Number(proChat), user_id: member }]);
    expect(fake.state.statusOf(proChat, member)).toBe('member');
  });

  it('a join request from someone who has not paid is declined', async () => {
    await deliver(commandMessage('message.start', '/tiers', { fromId: 42 }));
    fake.state.startedUsers.add(42);
    await deliver(fake.state.requestToJoin(proChat, 42));
    expect(fake.calls('declineChatJoinRequest')).toEqual([{ chat_id: Number(proChat), user_id: 42 }]);
    expect(fake.state.statusOf(proChat, 42)).toBe('left');
  });

  it('a non-moderator’s /admin is refused; an administrator of the admin chat is a moderator', async () => {
    await deliver(commandMessage('message.start', '/admin stats'));
    expect(lastMessageTo(member).text).toContain('(not_moderator)');

    await deliver(commandMessage('message.start', '/admin stats', { fromId: moderator }));
    const stats = lastMessageTo(moderator);
    expect(stats.text).not.toContain('not_moderator');
    expect(stats.text).toContain('MRR');
  });
});

describe('running the bot', () => {
  it('polling mode registers the commands (moderator ones for the admin chat) and answers updates from getUpdates', async () => {
    await setup();
    await telegram.start();
    const [memberMenu, adminMenu] = fake.state.commands;
    const names = (menu: typeof memberMenu) =>
      (menu!.commands as Array<{ command: string }>).map((entry) => entry.command);
    expect(names(memberMenu)).toContain('subscribe');
    expect(names(memberMenu)).not.toContain('admin');
    expect(adminMenu!.scope).toEqual({ type: 'chat_administrators', chat_id: adminChat });
    expect(names(adminMenu)).toContain('admin');
    expect(fake.calls('deleteWebhook')).toHaveLength(1);

    fake.state.queueUpdate(commandMessage('message.start', '/help'));
    await expect.poll(() => fake.messagesTo(member).length, { timeout: 5000 }).toBe(1);
    await telegram.stop();
  });

  it('webhook mode sets the webhook with its secret and handles updates posted to the web server', async () => {
    const secret = 'test_webhook_secret_AbC123';
    await setup({ TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: secret });
    await telegram.start();
    expect(fake.state.webhook).toEqual({ url: 'http://shop.test/v1/telegram/webhook', secretToken: secret });
    expect(fake.calls('setWebhook')[0]!.allowed_updates).toEqual([
      'message',
      'callback_query',
      'chat_join_request',
      'chat_member',
      'my_chat_member',
    ]);

    const app = await buildApp(test.core, { docs: false, mounts: telegram.mounts });
    try {
      const post = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/v1/telegram/webhook', headers, payload: telegramUpdate('message.start') });
      expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong_secret_value_123' })).statusCode).toBe(401);
      expect(fake.messagesTo(member)).toHaveLength(0);
      expect((await post({ 'x-telegram-bot-api-secret-token': secret })).statusCode).toBe(200);
      expect(lastMessageTo(member).text).toContain('Welcome');
    } finally {
      await app.close();
    }
  });

  it('webhook mode without a secret refuses to start: anyone could post updates as a moderator', async () => {
    await setup();
    expect(() =>
      createTelegramBot({
        core: {
          ...test.core,
          config: { ...test.core.config, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: undefined },
        },
        router: createCommandRouter(test.core),
        logger: test.core.logger,
      }),
    ).toThrow(expect.objectContaining({ code: 'telegram_webhook_secret_missing' }));
  });
});
