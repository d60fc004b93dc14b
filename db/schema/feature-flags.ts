import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A rollout switch moderators change at run time (the member billing pages first). */
export const featureFlags = pgTable('feature_flags', {
  key: text('key').primaryKey(),
  /** `off`, `allow_list`, `percentage`, `on`. */
  mode: text('mode').notNull(),
  /** User ids let in while the mode is `allow_list`. */
  allowList: jsonb('allow_list').$type<string[]>().notNull().default([]),
  /** 0–100: the share of members let in while the mode is `percentage`. */
  percentage: integer('percentage').notNull().default(0),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
