import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { planPrices, plans } from './catalog.js';
import { users } from './users.js';

/** One customer object per user per provider (Stripe: exactly one `cus_` per user). */
export const providerCustomers = pgTable(
  'provider_customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    providerCustomerId: text('provider_customer_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('provider_customers_user_unique').on(table.provider, table.userId),
    uniqueIndex('provider_customers_external_unique').on(table.provider, table.providerCustomerId),
  ],
);

export type CheckoutLineItem = { planId: string; planPriceId: string; quantity: number };

/** A checkout we opened at a provider on behalf of a user. */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    /** `subscription` or `payment` (one-time). */
    mode: text('mode').notNull(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    planPriceId: text('plan_price_id')
      .notNull()
      .references(() => planPrices.id),
    /** Tier price first, then add-ons. */
    lineItems: jsonb('line_items').$type<CheckoutLineItem[]>().notNull(),
    referralCode: text('referral_code'),
    /** The promo code this checkout discounts by (promotions.code), checked for its plan when opened. */
    promotionCode: text('promotion_code'),
    /** Where the member started: `discord`, `telegram`, `slack`, `web`, `console` (the funnel's platform). */
    source: text('source'),
    /** Hash of who asked for what; an open checkout with the same intent is reused. */
    intentKey: text('intent_key').notNull(),
    /** Sent to the provider on create, so a retried create never makes a second session. */
    idempotencyKey: text('idempotency_key').notNull(),
    providerSessionId: text('provider_session_id'),
    url: text('url'),
    /** `creating`, `open`, `completed`, `expired`, `failed`. */
    status: text('status').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('checkout_sessions_provider_session_unique').on(table.provider, table.providerSessionId),
    uniqueIndex('checkout_sessions_idempotency_unique').on(table.idempotencyKey),
    uniqueIndex('checkout_sessions_open_intent_unique')
      .on(table.intentKey)
      .where(sql`${table.status} in ('creating', 'open')`),
  ],
);

export type SubscriptionAddon = { planId: string; planPriceId: string | null; quantity: number };

/**
 * The promo code a subscription was bought with, copied from our checkout when it completed,
 * and the window of invoices it discounts: periods starting in [startsAt, endsAt) (endsAt null:
 * forever). Stripe's coupon durations: `once` the first period, `repeating` N months, `forever`.
 */
export type SubscriptionDiscount = {
  code: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  duration: 'once' | 'forever' | 'repeating';
  durationInMonths: number | null;
  startsAt: string;
  endsAt: string | null;
};

/** A recurring subscription as last observed at its provider. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    providerSubscriptionId: text('provider_subscription_id').notNull(),
    providerCustomerId: text('provider_customer_id'),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    planPriceId: text('plan_price_id').references(() => planPrices.id),
    addons: jsonb('addons').$type<SubscriptionAddon[]>().notNull().default([]),
    /** Provider status: trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused. */
    status: text('status').notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    trialEnd: timestamp('trial_end', { withTimezone: true }),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** When we first saw it past_due; the grace period counts from here. */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    /** The promo code's terms it was bought with; MRR takes off what still applies. Null: none. */
    discount: jsonb('discount').$type<SubscriptionDiscount>(),
    /** Provider-side knowledge time (ms). An older observation never overwrites a newer one. */
    observedAt: bigint('observed_at', { mode: 'number' }).notNull(),
    /**
     * Grows by one with every stored change. Member intents (cancel, resume, change plan) put it
     * in their provider idempotency key: the same intent retried reuses its key, the next intent
     * (after the previous one was stored) gets a new one, even within the same millisecond.
     */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('subscriptions_provider_unique').on(table.provider, table.providerSubscriptionId),
    index('subscriptions_user_idx').on(table.userId),
  ],
);

/**
 * A payment that succeeded: a subscription invoice or a one-time purchase. Refund and
 * dispute state live here because they void the access this payment bought.
 */
export const purchases = pgTable(
  'purchases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    /** Invoice id for subscriptions, payment id for one-time payments. */
    providerPaymentId: text('provider_payment_id').notNull(),
    /** What refunds and disputes point at (Stripe: the PaymentIntent id). */
    chargeReference: text('charge_reference'),
    /** `subscription` or `one_time`. */
    kind: text('kind').notNull(),
    providerSubscriptionId: text('provider_subscription_id'),
    planId: text('plan_id').references(() => plans.id),
    planPriceId: text('plan_price_id').references(() => planPrices.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    /** Cumulative, never decreases (refund events may arrive out of order). */
    amountRefundedMinor: bigint('amount_refunded_minor', { mode: 'number' }).notNull().default(0),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    disputeId: text('dispute_id'),
    /** null, `open`, `won`, `lost`. */
    disputeStatus: text('dispute_status'),
    /** When the dispute was decided (won or lost): a lost one ends the subscription it paid for then. */
    disputeClosedAt: timestamp('dispute_closed_at', { withTimezone: true }),
    /** The provider's hosted invoice or receipt page (Stripe `hosted_invoice_url`), when it has one. */
    receiptUrl: text('receipt_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('purchases_provider_payment_unique').on(table.provider, table.providerPaymentId),
    index('purchases_charge_reference_idx').on(table.provider, table.chargeReference),
    index('purchases_user_idx').on(table.userId),
  ],
);

/** Access a moderator gave or took by hand; audited, and it expires. */
export const manualGrants = pgTable(
  'manual_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    reason: text('reason').notNull().default(''),
    grantedBy: text('granted_by').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('manual_grants_user_idx').on(table.userId)],
);

/** A moderator's freeze: while active the user has free-tier access whatever they paid. */
export const accessFreezes = pgTable(
  'access_freezes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftedBy: text('lifted_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('access_freezes_user_idx').on(table.userId)],
);

/** The computed result of the entitlement function, stored for reads and reporting. */
export const entitlements = pgTable(
  'entitlements',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    tier: text('tier').notNull(),
    status: text('status').notNull(),
    features: jsonb('features').$type<string[]>().notNull(),
    quotas: jsonb('quotas').$type<Record<string, number>>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** The next moment time alone changes this result (a period, grace or grant ends); swept then. */
    recheckAt: timestamp('recheck_at', { withTimezone: true }),
    /** One sentence for `/why`. */
    explanation: text('explanation').notNull(),
    /** Bumped on every change so caches can tell old from new. */
    version: integer('version').notNull().default(1),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('entitlements_recheck_idx').on(table.recheckAt)],
);
