import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client.js';
import { promotionRedemptions, promotions, referralCodes } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { badRequest } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { CheckoutDiscount } from '../ports/payment-provider.js';
import { type DiscountTerms, describeDiscount } from './discount-terms.js';
import { countRedemptions, hasRedeemed } from './promotion-redemptions.js';
import { promotionRefusals } from './promotion-refusals.js';
import type { CreatePromotionInput, PromotionView } from './promotion-schemas.js';
import { normalizeTypedCode, typedCode } from './typed-code.js';

export type PromotionRow = typeof promotions.$inferSelect;

const termsOf = (row: PromotionRow): DiscountTerms => ({
  percentOff: row.percentOff,
  amountOffMinor: row.amountOffMinor,
  currency: row.currency,
  duration: row.duration as DiscountTerms['duration'],
  durationInMonths: row.durationInMonths,
});

export const describePromotion = (row: PromotionRow): string => describeDiscount(termsOf(row));

const toView = (row: PromotionRow, redemptions: number): PromotionView => ({
  code: row.code,
  description: describePromotion(row),
  percent_off: row.percentOff,
  amount_off_minor: row.amountOffMinor,
  currency: row.currency,
  duration: row.duration as PromotionView['duration'],
  duration_in_months: row.durationInMonths,
  plan_ids: row.planIds,
  max_redemptions: row.maxRedemptions,
  redemptions,
  expires_at: row.expiresAt?.toISOString() ?? null,
  active: row.active,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  disabled_at: row.disabledAt?.toISOString() ?? null,
});

/**
 * Promo codes: moderators create and disable them; members redeem them with /redeem and
 * checkouts carry them to the provider as a discount. A promotion is usable by a member while
 * it is active, unexpired, under its max redemptions and not yet used by that member; that is
 * checked at /redeem and again when the checkout is created. Checkouts opened at the same
 * moment can overshoot max redemptions by their number (the count is of completed checkouts);
 * for card payments Stripe's coupon max_redemptions enforces the limit at the provider.
 */
export function createPromotionService(deps: { db: Database; clock: Clock; defaultCurrency: string }) {
  const { db, clock } = deps;

  async function find(executor: Executor, code: string) {
    const [row] = await executor.select().from(promotions).where(eq(promotions.code, code));
    return row;
  }

  /** Every refusal except the plan, which only a checkout knows. */
  async function assertUsableBy(executor: Executor, row: PromotionRow, userId: string) {
    if (!row.active) throw promotionRefusals.disabled(row.code);
    if (row.expiresAt && row.expiresAt.getTime() <= clock.now().getTime()) throw promotionRefusals.expired(row.code);
    if (await hasRedeemed(executor, row.id, userId)) throw promotionRefusals.alreadyRedeemed(row.code);
    if (row.maxRedemptions !== null && (await countRedemptions(executor, row.id)) >= row.maxRedemptions)
      throw promotionRefusals.exhausted(row.code);
  }

  async function viewOf(executor: Executor, row: PromotionRow) {
    return toView(row, await countRedemptions(executor, row.id));
  }

  return {
    async create(input: CreatePromotionInput, actor: string): Promise<PromotionView> {
      const code = normalizeTypedCode(input.code);
      if (!typedCode.test(code))
        throw badRequest('promo_code_invalid', 'Promo codes are letters, digits, _ and -, up to 64 characters.');
      return db.transaction(async (transaction) => {
        // Referral codes and promo codes share what members type; the reverse check is in
        // the referral service, which skips promo codes when it draws a new referral code.
        // Two different tables cannot share a unique index, so a random referral code drawn
        // in the same instant as a moderator types it could still slip through; /redeem then
        // prefers the referral code.
        const [referral] = await transaction
          .select({ code: referralCodes.code })
          .from(referralCodes)
          .where(eq(referralCodes.code, code));
        if (referral) throw promotionRefusals.codeTaken(code);
        const amountOff = input.amount_off_minor !== undefined;
        const [row] = await transaction
          .insert(promotions)
          .values({
            code,
            percentOff: input.percent_off ?? null,
            amountOffMinor: input.amount_off_minor ?? null,
            currency: amountOff ? (input.currency ?? deps.defaultCurrency) : null,
            duration: input.duration,
            durationInMonths: input.duration === 'repeating' ? (input.duration_in_months ?? null) : null,
            planIds: [...new Set(input.plan_ids)],
            maxRedemptions: input.max_redemptions ?? null,
            expiresAt: input.expires_at ? new Date(input.expires_at) : null,
            createdBy: actor,
            createdAt: clock.now(),
          })
          .onConflictDoNothing()
          .returning();
        if (!row) throw promotionRefusals.codeTaken(code);
        await recordAudit(transaction, {
          actor,
          action: 'promotion.created',
          subjectType: 'promotion',
          subjectId: code,
          details: { input: { ...input, code } },
        });
        return toView(row, 0);
      });
    },

    async list(): Promise<PromotionView[]> {
      const rows = await db
        .select({ promotion: promotions, redemptions: sql<number>`count(${promotionRedemptions.id})` })
        .from(promotions)
        .leftJoin(promotionRedemptions, eq(promotionRedemptions.promotionId, promotions.id))
        .groupBy(promotions.id)
        .orderBy(desc(promotions.createdAt));
      return rows.map((row) => toView(row.promotion, Number(row.redemptions)));
    },

    async get(code: string): Promise<PromotionView> {
      const row = await find(db, normalizeTypedCode(code));
      if (!row) throw promotionRefusals.unknown(normalizeTypedCode(code));
      return viewOf(db, row);
    },

    /** Stops new redemptions; the row stays, since redemptions and checkouts point at it. */
    async disable(code: string, actor: string): Promise<PromotionView> {
      const normalized = normalizeTypedCode(code);
      return db.transaction(async (transaction) => {
        const [disabled] = await transaction
          .update(promotions)
          .set({ active: false, disabledAt: clock.now(), disabledBy: actor })
          .where(and(eq(promotions.code, normalized), eq(promotions.active, true)))
          .returning();
        const row = disabled ?? (await find(transaction, normalized));
        if (!row) throw promotionRefusals.unknown(normalized);
        if (disabled)
          await recordAudit(transaction, {
            actor,
            action: 'promotion.disabled',
            subjectType: 'promotion',
            subjectId: normalized,
          });
        return viewOf(transaction, row);
      });
    },

    /**
     * /redeem: the promotion when `code` is one this member may use now; undefined when it is
     * no promo code at all; a refusal with its stable code otherwise.
     */
    async checkRedeemable(userId: string, code: string): Promise<{ code: string; description: string } | undefined> {
      const row = await find(db, code);
      if (!row) return undefined;
      await assertUsableBy(db, row, userId);
      return { code: row.code, description: describePromotion(row) };
    },

    /** True when `code` names a promotion, usable or not (referral codes must not shadow one). */
    async exists(executor: Executor, code: string): Promise<boolean> {
      return (await find(executor, code)) !== undefined;
    },

    /** The discount a checkout for `planId` gets, checked again now; refusals as at /redeem, plus the plan. */
    async discountForCheckout(
      userId: string,
      code: string,
      checkout: { planId: string; currency: string },
    ): Promise<CheckoutDiscount> {
      const normalized = normalizeTypedCode(code);
      const row = await find(db, normalized);
      if (!row) throw promotionRefusals.unknown(normalized);
      await assertUsableBy(db, row, userId);
      if (row.planIds.length > 0 && !row.planIds.includes(checkout.planId))
        throw promotionRefusals.notForPlan(row.code, checkout.planId);
      if (row.currency !== null && row.currency !== checkout.currency)
        throw promotionRefusals.currencyMismatch(row.code, row.currency);
      return {
        ...termsOf(row),
        code: row.code,
        maxRedemptions: row.maxRedemptions,
        providerCouponId: row.stripeCouponId,
      };
    },

    /** "20% off your first month": what a discount gives, for replies before it exists. */
    describe: describeDiscount,

    /** Remembers the Stripe coupon made for a promotion, so later checkouts skip the lookup. */
    async rememberStripeCoupon(code: string, couponId: string): Promise<void> {
      await db.update(promotions).set({ stripeCouponId: couponId }).where(eq(promotions.code, code));
    },
  };
}

export type PromotionService = ReturnType<typeof createPromotionService>;
