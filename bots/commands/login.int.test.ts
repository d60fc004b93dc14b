import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormClient } from '../../web/testing/form-client.js';
import type { FakeTelegramApi } from '../telegram/testing/fake-telegram-api.js';
import { commandMessage } from '../telegram/testing/telegram-fixtures.js';
import { startTelegramTestShop, type TelegramTestShop } from '../telegram/testing/telegram-test-shop.js';

const member = 223456789;
const group = -1002234567890;
const linkPattern = /http:\/\/shop\.test\/login\?login_token=lt_[A-Za-z0-9_-]{43}/;

let shop: TelegramTestShop;
let fake: FakeTelegramApi;

beforeAll(async () => {
  shop = await startTelegramTestShop();
  ({ fake } = shop);
  fake.state.addChat({ id: group, title: 'Traders', type: 'supergroup' });
  fake.state.startedUsers.add(member);
});

afterAll(async () => {
  await shop?.close();
});

describe('/login in Telegram', () => {
  it('asked in a group, the one-time sign-in link arrives by DM only and signs a browser in', async () => {
    await shop.deliver(
      commandMessage('message.start_group', '/login@PaywallTestBot', { chatId: group, fromId: member }),
    );
    expect(fake.messagesTo(group).some((message) => linkPattern.test(message.text))).toBe(false);
    const link = fake
      .messagesTo(member)
      .map((message) => linkPattern.exec(message.text)?.[0])
      .find(Boolean);
    expect(link).toBeDefined();

    const url = new URL(link!);
    const browser = createFormClient(shop.test.app);
    await browser.get(url.pathname + url.search);
    const signedIn = await browser.post(`/login/browser${url.search}`);
    expect(signedIn.statusCode).toBe(303);
    expect((await browser.get('/account/billing')).statusCode).toBe(200);
  });
});
