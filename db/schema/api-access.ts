import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A member's API key. Only a SHA-256 of the whole key is kept; the short prefix is the
 * lookup key (unique, so two keys can never share one) and what lists show.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The 8 characters after `ck_`: visible in lists, used to find the row. */
    prefix: text('prefix').notNull(),
    /** Hex SHA-256 of the whole key. */
    secretHash: text('secret_hash').notNull(),
    name: text('name').notNull().default(''),
    /** Rights beyond the member's own objects, e.g. `signals:publish` (admin-issued only). */
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    /** `admin:api-key`, `telegram:123`, `user:<id>`: who asked for it. */
    createdBy: text('created_by').notNull(),
    /** The key this one replaced on rotation. */
    rotatedFromId: uuid('rotated_from_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('api_keys_prefix_unique').on(table.prefix), index('api_keys_user_idx').on(table.userId)],
);

/** A one-time login link's token (hashed): short-lived, consumed by the first exchange. */
export const loginTokens = pgTable(
  'login_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Where the link went: `telegram`, `discord`, `slack` or `email`. */
    channel: text('channel').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('login_tokens_hash_unique').on(table.tokenHash)],
);

/**
 * Refresh tokens (hashed), one family per login. Each use replaces the token with a new one
 * of the same family; presenting a replaced token again revokes the whole family.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    familyId: uuid('family_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when this token was exchanged for its successor. */
    replacedAt: timestamp('replaced_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('refresh_tokens_hash_unique').on(table.tokenHash),
    index('refresh_tokens_family_idx').on(table.familyId),
  ],
);
