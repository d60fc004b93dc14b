import { bigserial, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * The conversion funnel, one row per step a member took: append-only (a database trigger
 * refuses updates and deletes), so the counts of a past period never move.
 */
export const funnelEvents = pgTable(
  'funnel_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `tiers_viewed`, `pricing_viewed`, `checkout_opened`, `checkout_completed`. */
    event: text('event').notNull(),
    /** `discord`, `telegram`, `slack`, `web`, `console`. */
    platform: text('platform').notNull(),
    /** Null for an anonymous visitor of the pricing page. */
    userId: uuid('user_id').references(() => users.id),
    planId: text('plan_id'),
    /** What makes a retried recording the same row (the checkout id for checkout events). */
    businessKey: text('business_key').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('funnel_events_business_key_unique').on(table.businessKey),
    index('funnel_events_occurred_idx').on(table.occurredAt),
  ],
);
