import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** A tier (free, core, pro...) or an add-on. Plans are data: admins create and edit them. */
export const plans = pgTable('plans', {
  /** Stable slug, e.g. `pro` or `addon_api_quota`; used in commands and metadata. */
  id: text('id').primaryKey(),
  /** `tier` (a user holds at most one effective tier) or `addon` (stacks on a tier). */
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** Higher rank wins when several sources grant tiers at once. */
  rank: integer('rank').notNull().default(0),
  /** Feature flags this plan switches on, e.g. `private_channels`. */
  features: jsonb('features').$type<string[]>().notNull().default([]),
  /** Tier: absolute quotas. Add-on: increments added per unit of quantity. */
  quotas: jsonb('quotas').$type<Record<string, number>>().notNull().default({}),
  /** Enterprise-style plans are sold by a person, not by checkout. */
  contactSales: boolean('contact_sales').notNull().default(false),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A price of a plan. Prices are versioned, never edited: a price change inserts a new
 * version and deactivates the old one, so existing subscribers keep what they signed up for.
 */
export const planPrices = pgTable(
  'plan_prices',
  {
    /** e.g. `pro_month_usd_v2`. */
    id: text('id').primaryKey(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    /** `month`, `year` (recurring) or `one_time`. */
    interval: text('interval').notNull(),
    /** Integer minor units (cents). */
    amountMinor: integer('amount_minor').notNull(),
    /** ISO 4217, lower case. */
    currency: text('currency').notNull(),
    version: integer('version').notNull(),
    /** One-time prices: how long access lasts; null means for good. */
    accessDays: integer('access_days'),
    active: boolean('active').notNull().default(true),
    /** The synced Stripe Price id, filled lazily on first checkout. */
    stripePriceId: text('stripe_price_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('plan_prices_version_unique').on(table.planId, table.interval, table.currency, table.version),
  ],
);
