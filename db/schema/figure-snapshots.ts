import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * MRR and active members by plan as they stood on a UTC day: the figures describe "now", and
 * subscriptions keep only their latest state, so history exists only if it is written down.
 * The first snapshot of a day is kept.
 */
export const businessFigureSnapshots = pgTable('business_figure_snapshots', {
  /** `YYYY-MM-DD` (UTC). */
  day: text('day').primaryKey(),
  mrr: jsonb('mrr').$type<Array<{ currency: string; amount_minor: number }>>().notNull(),
  activeByPlan: jsonb('active_by_plan').$type<Array<{ plan_id: string; count: number }>>().notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
});
