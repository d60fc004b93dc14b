import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A person. One user may be reached on several platforms through identities. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased; optional because chat-only members may never give one. */
    email: text('email'),
    displayName: text('display_name'),
    /** Set when /link folded this user into another; every identity then points at that one. */
    mergedIntoUserId: uuid('merged_into_user_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email).where(sql`${table.email} is not null`)],
);

/** A platform account (discord, telegram, slack, email, web) that belongs to one user. */
export const identities = pgTable(
  'identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    platform: text('platform').notNull(),
    /** The platform's own id for the account (snowflake, chat id, Uxxxx). */
    externalId: text('external_id').notNull(),
    username: text('username'),
    /** Last command from this account; DMs go to the platform the member used most recently. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('identities_platform_external_unique').on(table.platform, table.externalId),
    index('identities_user_idx').on(table.userId),
  ],
);
