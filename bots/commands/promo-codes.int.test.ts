import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreatePromotionInput } from '../../core/promotions/promotion-schemas.js';
import { sandboxShop } from '../../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../../core/testing/test-core.js';
import {
  auditLog,
  billingLedger,
  checkoutSessions,
  paymentEvents,
  pendingCodes,
  promotionRedemptions,
  promotions,
  purchases,
} from '../../db/schema/index.js';
import type { CommandRouter } from '../command-types.js';
import { createCommandRouter } from '../commands.js';
import { createConsoleChat } from '../console/console-chat.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';

const dayMs = 86_400_000;

/**
 * Promo codes through the shop: a moderator makes one, a member redeems it in chat, pays on
 * the sandbox page, and every later invoice charges what the code's duration says.
 */
describe('promo codes in the shop (sandbox)', () => {
  let test: TestApp;
  let router: CommandRouter;
  const shop = sandboxShop(() => test);

  beforeEach(async () => {
    test = await createTestApp();
    router = createCommandRouter(test.core);
  });
  afterEach(async () => {
    await test.close();
  });

  const promo = (input: Partial<CreatePromotionInput> & { code: string }) =>
    test.core.promotions.create({ duration: 'once', plan_ids: [], ...input }, 'test:moderator');

  const member = async (name: string) => {
    const chat = createConsoleChat({ router, member: name });
    const { id } = await test.core.users.findOrCreate(
      { platform: 'console', externalId: name, username: name },
      'test',
    );
    return { chat, userId: id };
  };

  const paidAmounts = async (userId: string) =>
    (
      await test.core.db
        .select({ amount: purchases.amountMinor })
        .from(purchases)
        .where(eq(purchases.userId, userId))
        .orderBy(asc(purchases.paidAt))
    ).map((row) => row.amount);

  const ledger = async (userId: string) =>
    (
      await test.core.db
        .select({ kind: billingLedger.kind, amount: billingLedger.amountMinor })
        .from(billingLedger)
        .where(eq(billingLedger.userId, userId))
    )
      .map((row) => [row.kind, row.amount])
      .sort();

  /** /redeem, /subscribe pro, pay on the sandbox page. */
  const redeemAndBuy = async (name: string, code: string) => {
    const { chat, userId } = await member(name);
    const redeemed = await chat.handleLine(`/redeem ${code.toLowerCase()}`);
    const offer = (await chat.handleLine('/subscribe pro'))!;
    await payCheckoutLink(test, findCheckoutLink(offer));
    return { chat, userId, redeemed, offer };
  };

  /** The next period is billed, just after the current one ends. */
  const renew = async (userId: string) => {
    const subscription = await shop.subscriptionOf(userId);
    test.clock.set(new Date(Number(subscription.data.current_period_end) * 1000 + 1000));
    const response = await test.app.inject({
      method: 'POST',
      url: `/admin/sandbox/subscriptions/${subscription.id}/renew`,
      headers: adminHeaders,
    });
    expect(response.statusCode, response.body).toBe(200);
    await test.drain();
  };

  it('a 20% code redeemed in chat makes the sandbox charge 3920 for Pro, and purchases and the ledger record exactly that', async () => {
    await promo({ code: 'SPRING20', percent_off: 20 });
    const { userId, redeemed, offer } = await redeemAndBuy('alice', 'SPRING20');

    expect(redeemed).toContain('Promo code SPRING20 applied: 20% off your first month on your next checkout');
    expect(offer).toContain('Promo code SPRING20: 20% off your first month.');
    expect(await paidAmounts(userId)).toEqual([3920]);
    expect(await ledger(userId)).toEqual([
      ['payment', 3920],
      ['vault_contribution', 392],
    ]);
    const [session] = await test.core.db.select().from(checkoutSessions).where(eq(checkoutSessions.userId, userId));
    expect(session?.promotionCode).toBe('SPRING20');
    // The checkout carried the pending code, so it is cleared.
    expect(await test.core.db.select().from(pendingCodes).where(eq(pendingCodes.userId, userId))).toEqual([]);
  });

  it('a $5.00-off forever code charges 4400 on the first invoice and on every renewal', async () => {
    await promo({ code: 'FIVE', amount_off_minor: 500, duration: 'forever' });
    const { userId, redeemed } = await redeemAndBuy('bob', 'FIVE');
    expect(redeemed).toContain('$5.00 off every month');
    await renew(userId);
    await renew(userId);

    expect(await paidAmounts(userId)).toEqual([4400, 4400, 4400]);
    expect(await ledger(userId)).toEqual([
      ['payment', 4400],
      ['payment', 4400],
      ['payment', 4400],
      ['vault_contribution', 440],
      ['vault_contribution', 440],
      ['vault_contribution', 440],
    ]);
  });

  it('a once code charges full price at the first renewal', async () => {
    await promo({ code: 'FIRST50', percent_off: 50 });
    const { userId } = await redeemAndBuy('carol', 'FIRST50');
    await renew(userId);

    expect(await paidAmounts(userId)).toEqual([2450, 4900]);
  });

  it('a repeating 3-month code discounts exactly the first three invoices', async () => {
    await promo({ code: 'THREE30', percent_off: 30, duration: 'repeating', duration_in_months: 3 });
    const { userId, redeemed } = await redeemAndBuy('dave', 'THREE30');
    expect(redeemed).toContain('30% off for 3 months');
    for (let renewal = 0; renewal < 4; renewal += 1) await renew(userId);

    expect(await paidAmounts(userId)).toEqual([3430, 3430, 3430, 4900, 4900]);
  });

  it('a replayed checkout.completed records one redemption', async () => {
    await promo({ code: 'ONCEONLY', percent_off: 10 });
    const { userId } = await redeemAndBuy('erin', 'ONCEONLY');
    const [completed] = await test.core.db
      .select({ id: paymentEvents.id })
      .from(paymentEvents)
      .where(eq(paymentEvents.eventType, 'checkout.completed'));
    await test.core.paymentEvents.replay(completed!.id, 'test:moderator');
    await test.drain();

    const redemptions = await test.core.db
      .select()
      .from(promotionRedemptions)
      .where(eq(promotionRedemptions.userId, userId));
    expect(redemptions).toHaveLength(1);
    expect((await test.core.promotions.get('ONCEONLY')).redemptions).toBe(1);
  });

  it('a code the member already used is refused with promo_already_redeemed', async () => {
    await promo({ code: 'WELCOME', percent_off: 10 });
    const { chat } = await redeemAndBuy('frank', 'WELCOME');
    expect(await chat.handleLine('/redeem WELCOME')).toContain('(promo_already_redeemed)');
  });

  it('an expired code is refused with promo_expired', async () => {
    await promo({
      code: 'LASTWEEK',
      percent_off: 10,
      expires_at: new Date(test.clock.now().getTime() + dayMs).toISOString(),
    });
    test.clock.set(new Date(test.clock.now().getTime() + 2 * dayMs));
    const { chat } = await member('grace');
    expect(await chat.handleLine('/redeem LASTWEEK')).toContain('(promo_expired)');
  });

  it('a code used as often as it may be is refused with promo_exhausted, at /redeem and at checkout', async () => {
    await promo({ code: 'JUSTONE', percent_off: 10, max_redemptions: 1 });
    const late = await member('ivan');
    // Redeemed while a use was left; the last use goes to someone else before Ivan checks out.
    expect(await late.chat.handleLine('/redeem JUSTONE')).toContain('applied');
    await redeemAndBuy('heidi', 'JUSTONE');

    expect(await late.chat.handleLine('/subscribe pro')).toContain('(promo_exhausted)');
    expect(await (await member('judy')).chat.handleLine('/redeem JUSTONE')).toContain('(promo_exhausted)');
  });

  it('a code for another plan is refused with promo_not_for_plan when the checkout is made', async () => {
    await promo({ code: 'VIPONLY', percent_off: 25, plan_ids: ['vip'] });
    const { chat, userId } = await member('kim');
    expect(await chat.handleLine('/redeem VIPONLY')).toContain('applied');
    expect(await chat.handleLine('/subscribe pro')).toContain('(promo_not_for_plan)');
    await expect(
      test.core.checkout.createCheckout({ userId, planId: 'pro', promoCode: 'VIPONLY' }),
    ).rejects.toMatchObject({ code: 'promo_not_for_plan' });
    expect(await chat.handleLine('/subscribe pro card VIPONLY')).toContain('(promo_not_for_plan)');
  });

  it('an unknown or disabled code is refused with its code', async () => {
    await promo({ code: 'GONE', percent_off: 10 });
    await test.core.promotions.disable('GONE', 'test:moderator');
    const { chat } = await member('leo');
    expect(await chat.handleLine('/redeem NOSUCHCODE')).toContain('(code_unknown)');
    expect(await chat.handleLine('/redeem GONE')).toContain('(promo_disabled)');
  });

  it('a referral code still redeems as a referral, and a promo code cannot take a referral code', async () => {
    const referrer = await member('mona');
    const { code } = await test.core.referrals.codeFor(referrer.userId);
    await expect(promo({ code, percent_off: 10 })).rejects.toMatchObject({ code: 'code_taken', status: 409 });
    const friend = await member('ned');
    expect(await friend.chat.handleLine(`/redeem ${code}`)).toContain(`Referral code ${code} applied`);
  });

  it('a moderator creates and disables a code after confirming, audited; a member cannot', async () => {
    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    const question = await moderator.handleLine('/admin promo create summer25 25% pro 100 30 3');
    expect(question).toContain('Create promo code SUMMER25: 25% off for 3 months, for pro only, up to 100 uses');
    expect(await test.core.db.select().from(promotions)).toEqual([]);
    expect(await moderator.handleLine('!1')).toContain('Created promo code SUMMER25');
    expect(await test.core.promotions.get('SUMMER25')).toMatchObject({
      percent_off: 25,
      duration: 'repeating',
      duration_in_months: 3,
      plan_ids: ['pro'],
      max_redemptions: 100,
      expires_at: new Date(test.clock.now().getTime() + 30 * dayMs).toISOString(),
      active: true,
      created_by: 'console:owner',
    });
    expect(await moderator.handleLine('/admin promo list')).toContain('SUMMER25');

    const { chat } = await member('olga');
    expect(await chat.handleLine('/admin promo disable SUMMER25')).toContain('(not_moderator)');
    expect(await chat.handleLine('/admin promo create FREE 100%')).toContain('(not_moderator)');

    expect(await moderator.handleLine('/admin promo disable summer25')).toContain('Disable SUMMER25');
    expect(await moderator.handleLine('!1')).toContain('SUMMER25 is disabled');
    expect((await test.core.promotions.get('SUMMER25')).active).toBe(false);
    expect(await chat.handleLine('/redeem SUMMER25')).toContain('(promo_disabled)');

    const audited = await test.core.db
      .select({ actor: auditLog.actor, action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'promotion'), eq(auditLog.subjectId, 'SUMMER25')));
    expect(audited).toEqual([
      { actor: 'console:owner', action: 'promotion.created' },
      { actor: 'console:owner', action: 'promotion.disabled' },
    ]);
    expect(await test.core.promotions.list()).toHaveLength(1);
  });
});
