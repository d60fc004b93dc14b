import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identities } from '../../db/schema/index.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';
import { buttonPress, commandMessage } from './testing/telegram-fixtures.js';
import { startTelegramTestShop, type TelegramTestShop } from './testing/telegram-test-shop.js';

/** A member who canceled keeps their plan with one button, through grammY and the Bot API fake. */

const member = 123456789;
type Keyboard = { inline_keyboard: Array<Array<{ text: string; callback_data?: string; url?: string }>> };
type Sent = { text: string; replyMarkup: unknown };

const buttonsOf = (message: Sent) => ((message.replyMarkup as Keyboard | undefined)?.inline_keyboard ?? []).flat();

describe('resuming a canceled subscription from Telegram', () => {
  let shop: TelegramTestShop;
  beforeEach(async () => {
    shop = await startTelegramTestShop();
    shop.fake.state.startedUsers.add(member);
  });
  afterEach(async () => shop?.close());

  /**
   * The bot's answer to one update: the message it sent then that contains `expected`. Receipts
   * and notices are sent by jobs and may arrive in between, so the answer is found by its text.
   */
  const answerTo = async (update: Parameters<TelegramTestShop['deliver']>[0], expected: string) => {
    const before = shop.fake.messagesTo(member).length;
    await shop.deliver(update);
    const answer = shop.fake
      .messagesTo(member)
      .slice(before)
      .find((message) => message.text.includes(expected));
    expect(answer, `no reply containing "${expected}"`).toBeDefined();
    return answer!;
  };
  const send = (text: string, expected: string) => answerTo(commandMessage('message.start', text), expected);
  const press = (data: string, expected: string) => answerTo(buttonPress(data, { fromId: member }), expected);

  it('after /cancel, /status, /manage and /subscribe pro offer Resume instead of "You already have", and pressing it keeps Pro active', async () => {
    const offer = await send('/subscribe pro', 'checkout');
    await payCheckoutLink(shop.test, findCheckoutLink(`${offer.text} ${JSON.stringify(offer.replyMarkup)}`));
    const question = await send('/cancel', 'Cancel');
    await press(buttonsOf(question)[0]!.callback_data!, 'Canceled.');
    await shop.test.drain();

    const status = await send('/status', 'Pro');
    expect(buttonsOf(status).map((button) => button.text)).toContain('Resume subscription');
    const manage = await send('/manage', 'billing portal');
    expect(buttonsOf(manage).map((button) => button.text)).toContain('Resume subscription');

    const again = await send('/subscribe pro', 'Resume it');
    expect(again.text).not.toContain('You already have');
    const resume = buttonsOf(again).find((button) => button.text === 'Resume subscription');
    expect(resume?.callback_data).toBeDefined();

    await press(resume!.callback_data!, 'Resumed.');
    await shop.test.drain();
    const [identity] = await shop.test.core.db
      .select()
      .from(identities)
      .where(and(eq(identities.platform, 'telegram'), eq(identities.externalId, String(member))));
    expect(await shop.test.core.entitlements.get(identity!.userId)).toMatchObject({ tier: 'pro', status: 'active' });

    const after = await send('/status', 'Pro');
    expect(buttonsOf(after).map((button) => button.text)).not.toContain('Resume subscription');
    const manageAfter = await send('/manage', 'billing portal');
    expect(buttonsOf(manageAfter).map((button) => button.text)).not.toContain('Resume subscription');
  });
});
