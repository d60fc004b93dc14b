import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The offline sandbox provider's own state (its "remote" side): checkouts, subscriptions
 * and payments it hosts. Kept in our database so embedded mode survives restarts.
 */
export const sandboxObjects = pgTable('sandbox_objects', {
  /** Prefixed like a provider id: `sbx_cs_…`, `sbx_sub_…`, `sbx_pay_…`, `sbx_cus_…`. */
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  /** Bumped on every change; the subscription snapshot's observed version. */
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
