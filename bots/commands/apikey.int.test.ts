import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-core.js';
import type { FakeTelegramApi } from '../telegram/testing/fake-telegram-api.js';
import { commandMessage } from '../telegram/testing/telegram-fixtures.js';
import { startTelegramTestShop, type TelegramTestShop } from '../telegram/testing/telegram-test-shop.js';

const member = 123456789;
const stranger = 987654321;
const group = -1001234567890;
const keyPattern = /ck_[0-9a-f]{8}_[A-Za-z0-9_-]{32}/;

let shop: TelegramTestShop;
let fake: FakeTelegramApi;
let test: TestApp;
let deliver: TelegramTestShop['deliver'];

beforeEach(async () => {
  shop = await startTelegramTestShop();
  ({ fake, test, deliver } = shop);
  fake.state.addChat({ id: group, title: 'Traders', type: 'supergroup' });
  fake.state.startedUsers.add(member);
});

afterEach(async () => {
  await shop?.close();
});

async function makePro(telegramId: number) {
  const { id } = await test.core.users.findOrCreate({ platform: 'telegram', externalId: String(telegramId) }, 'test');
  await test.core.grants.grant({ userId: id, planId: 'pro', days: 30, expiresAt: null, reason: 'test' }, 'test');
  return id;
}

const keysSentTo = (chatId: number) =>
  fake.messagesTo(chatId).flatMap((message) => keyPattern.exec(message.text)?.[0] ?? []);

describe('/apikey in Telegram', () => {
  it('/apikey create asked in a group: the key arrives by DM only, never in the group, and works', async () => {
    const userId = await makePro(member);
    await deliver(
      commandMessage('message.start_group', '/apikey@PaywallTestBot create', { chatId: group, fromId: member }),
    );

    const keys = keysSentTo(member);
    expect(keys).toHaveLength(1);
    expect(fake.messagesTo(group).some((message) => message.text.includes('ck_'))).toBe(false);
    const verified = await test.core.apiKeys.verify(keys[0]!);
    expect(verified?.userId).toBe(userId);

    await deliver(commandMessage('message.start', '/apikey list', { fromId: member }));
    const listing = fake.messagesTo(member).at(-1)!;
    expect(listing.text).toContain(keys[0]!.slice(3, 11));
    expect(listing.text).not.toMatch(keyPattern);

    await deliver(commandMessage('message.start', `/apikey revoke ${keys[0]!.slice(3, 11)}`, { fromId: member }));
    expect(fake.messagesTo(member).at(-1)!.text).toContain('Revoked');
    expect(await test.core.apiKeys.verify(keys[0]!)).toBeUndefined();
  });

  it('/apikey rotate sends the successor by DM and the old key stops working', async () => {
    await makePro(member);
    await deliver(commandMessage('message.start', '/apikey create', { fromId: member }));
    const [old] = keysSentTo(member);
    await deliver(commandMessage('message.start', `/apikey rotate ${old!.slice(3, 11)}`, { fromId: member }));
    const keys = keysSentTo(member);
    expect(keys).toHaveLength(2);
    expect(await test.core.apiKeys.verify(old!)).toBeUndefined();
    expect(await test.core.apiKeys.verify(keys[1]!)).toBeDefined();
  });

  it('a member the bot cannot DM gets no key at all: none is kept, and nothing reaches the group', async () => {
    const userId = await makePro(stranger);
    await deliver(
      commandMessage('message.start_group', '/apikey@PaywallTestBot create', { chatId: group, fromId: stranger }),
    );
    expect(await test.core.apiKeys.list(userId)).toEqual([]);
    expect(fake.messagesTo(group).some((message) => keyPattern.test(message.text))).toBe(false);
  });

  it('a free member is told API keys come with a plan', async () => {
    await deliver(commandMessage('message.start', '/apikey create', { fromId: member }));
    expect(fake.messagesTo(member).at(-1)!.text).toContain('api_access_required');
    expect(keysSentTo(member)).toEqual([]);
  });
});
