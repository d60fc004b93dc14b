import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-core.js';
import { identities } from '../../db/schema/index.js';
import type { FakeTelegramApi } from './testing/fake-telegram-api.js';
import { commandMessage } from './testing/telegram-fixtures.js';
import { startTelegramTestShop, type TelegramTestShop } from './testing/telegram-test-shop.js';

const member = 123456789;
const moderator = 555000111;
const proChannel = '-1007777777777';

let shop: TelegramTestShop;
let fake: FakeTelegramApi;
let test: TestApp;
let deliver: TelegramTestShop['deliver'];

beforeEach(async () => {
  shop = await startTelegramTestShop({
    SIGNAL_TELEGRAM_MESSAGES_PER_SECOND: '500',
    MODERATOR_IDS: `telegram:${moderator}`,
  });
  ({ fake, test, deliver } = shop);
  fake.state.addChat({ id: Number(proChannel), title: 'Pro Signals', type: 'supergroup' });
  fake.state.startedUsers.add(member);
  fake.state.startedUsers.add(moderator);
});

afterEach(async () => {
  await shop?.close();
});

const textsTo = (chatId: number | string) => fake.messagesTo(chatId).map((message) => message.text);
const signalTextsTo = (chatId: number | string) => textsTo(chatId).filter((text) => text.includes('Signal #'));

async function memberIsPro() {
  await deliver(commandMessage('message.start', '/signals'));
  const [identity] = await test.core.db
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.externalId, String(member)));
  await test.core.grants.grant(
    { userId: identity!.userId, planId: 'pro', days: 30, expiresAt: null, reason: 'test' },
    'test',
  );
  await test.drain();
}

describe('signals through the Telegram bot', () => {
  it('a moderator’s /admin signal reaches a Pro member by DM once, and /signals off stops the next one', async () => {
    await memberIsPro();
    expect(textsTo(member).at(0)).toContain('Signals arrive by DM.');

    await deliver(
      commandMessage('message.start', '/admin signal btcusdt long 64250.5 63000 66000,68000 breakout retest', {
        fromId: moderator,
      }),
    );
    expect(textsTo(moderator).at(-1)).toContain('Published signal #1: LONG BTCUSDT');
    expect(signalTextsTo(member)).toHaveLength(1);
    expect(signalTextsTo(member)[0]).toContain('Entry 64250.5 · Stop 63000 · Targets 66000, 68000');
    // The moderator has no paid tier: Free's delay holds their copy back.
    expect(signalTextsTo(moderator)).toHaveLength(0);

    await deliver(commandMessage('message.start', '/signals off'));
    expect(textsTo(member).at(-1)).toContain('Signals are off.');
    await deliver(commandMessage('message.start', '/admin signal ETHUSDT short 3200 3300 3000', { fromId: moderator }));
    expect(textsTo(moderator).at(-1)).toContain('Published signal #2');
    expect(signalTextsTo(member)).toHaveLength(1);

    await deliver(commandMessage('message.start', '/signals latest'));
    const latest = textsTo(member).at(-1)!;
    expect(latest).toContain('#2 SHORT ETHUSDT');
    expect(latest).toContain('#1 LONG BTCUSDT');
  });

  it('a signal with its stop on the wrong side is refused with a stable code and not published', async () => {
    await deliver(commandMessage('message.start', '/admin signal BTCUSDT long 100 120 130', { fromId: moderator }));
    expect(textsTo(moderator).at(-1)).toContain('(signal_stop_wrong_side)');
    await deliver(commandMessage('message.start', '/admin signal BTCUSDT long 100 90 130', { fromId: member }));
    expect(textsTo(member).at(-1)).toContain('(not_moderator)');
    expect(await test.core.signals.verifyChain()).toMatchObject({ ok: true, count: 0 });
  });

  it('a member who chose the channel gets the post in the tier’s Telegram channel instead of a DM', async () => {
    await memberIsPro();
    await deliver(
      commandMessage('message.start', `/admin signalchannel pro telegram ${proChannel}`, { fromId: moderator }),
    );
    expect(textsTo(moderator).at(-1)).toContain(`Pro signals are posted to ${proChannel} on telegram.`);
    await deliver(commandMessage('message.start', '/signals channel'));
    await deliver(commandMessage('message.start', '/admin signal SOLUSDT long 150 140 170', { fromId: moderator }));
    expect(signalTextsTo(proChannel)).toHaveLength(1);
    expect(signalTextsTo(member)).toHaveLength(0);
  });
});
