import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of
 * the database signs nobody in. Separate from API tokens: signing out here leaves them alone.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** How the member proved who they are: `telegram`, `discord`, `slack` or `email` (the link's channel). */
    channel: text('channel').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('web_sessions_token_hash_unique').on(table.tokenHash),
    index('web_sessions_user_idx').on(table.userId),
  ],
);

/** An Enterprise (contact-sales) enquiry from the pricing page; moderators follow it up. */
export const salesContactRequests = pgTable('sales_contact_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  planId: text('plan_id').notNull(),
  /** The signed-in member who asked, when there was one. */
  userId: uuid('user_id').references(() => users.id),
  name: text('name').notNull(),
  email: text('email').notNull(),
  message: text('message').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
