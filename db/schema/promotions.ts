import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { checkoutSessions } from './billing.js';
import { users } from './users.js';

/**
 * A promo code moderators hand out. Either a percent or an amount off (never both), for the
 * first invoice, every invoice, or the first N months (Stripe's coupon durations). Never
 * deleted, only disabled: redemptions point at it.
 */
export const promotions = pgTable(
  'promotions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Upper case, the alphabet members may type; never the same as a referral code. */
    code: text('code').notNull(),
    /** 1–100, or null when the promotion takes an amount off. */
    percentOff: integer('percent_off'),
    /** Minor units of `currency`, or null when the promotion takes a percent off. */
    amountOffMinor: bigint('amount_off_minor', { mode: 'number' }),
    currency: text('currency'),
    /** `once` (first invoice), `forever`, `repeating` (the first `duration_in_months` months). */
    duration: text('duration').notNull(),
    durationInMonths: integer('duration_in_months'),
    /** Tier plan ids it applies to; empty means every tier. */
    planIds: jsonb('plan_ids').$type<string[]>().notNull().default([]),
    /** Null: unlimited. Counted from promotion_redemptions. */
    maxRedemptions: integer('max_redemptions'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    active: boolean('active').notNull().default(true),
    /** The Stripe coupon made for it on first use, so later checkouts skip the lookup. */
    stripeCouponId: text('stripe_coupon_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledBy: text('disabled_by'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('promotions_code_unique').on(table.code),
    check(
      'promotions_discount_exactly_one',
      sql`(${table.percentOff} IS NOT NULL AND ${table.percentOff} BETWEEN 1 AND 100 AND ${table.amountOffMinor} IS NULL AND ${table.currency} IS NULL) OR (${table.percentOff} IS NULL AND ${table.amountOffMinor} IS NOT NULL AND ${table.amountOffMinor} > 0 AND ${table.currency} IS NOT NULL)`,
    ),
    check(
      'promotions_duration_valid',
      sql`(${table.duration} IN ('once', 'forever') AND ${table.durationInMonths} IS NULL) OR (${table.duration} = 'repeating' AND ${table.durationInMonths} BETWEEN 1 AND 120)`,
    ),
    check('promotions_max_redemptions_positive', sql`${table.maxRedemptions} IS NULL OR ${table.maxRedemptions} > 0`),
  ],
);

/**
 * A member used a promotion: written when the checkout that carried it completes. One per
 * (promotion, member), so a replayed checkout.completed records nothing twice.
 */
export const promotionRedemptions = pgTable(
  'promotion_redemptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    promotionId: uuid('promotion_id')
      .notNull()
      .references(() => promotions.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    checkoutSessionId: uuid('checkout_session_id').references(() => checkoutSessions.id),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('promotion_redemptions_member_unique').on(table.promotionId, table.userId),
    index('promotion_redemptions_user_idx').on(table.userId),
  ],
);
