import { date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A one-time code that links a platform identity to the user who asked for it. Only the
 * hash is stored: a database reader cannot take over someone's account with it.
 */
export const linkCodes = pgTable(
  'link_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeHash: text('code_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    issuedPlatform: text('issued_platform').notNull(),
    issuedExternalId: text('issued_external_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    consumedPlatform: text('consumed_platform'),
    consumedExternalId: text('consumed_external_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('link_codes_hash_unique').on(table.codeHash), index('link_codes_user_idx').on(table.userId)],
);

/** A member's own invite code; one per user. */
export const referralCodes = pgTable(
  'referral_codes',
  {
    code: text('code').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('referral_codes_user_unique').on(table.userId)],
);

/** Who brought whom. A member is attributed once, to the first code they used. */
export const referralAttributions = pgTable('referral_attributions', {
  referredUserId: uuid('referred_user_id')
    .primaryKey()
    .references(() => users.id),
  referrerUserId: uuid('referrer_user_id')
    .notNull()
    .references(() => users.id),
  code: text('code').notNull(),
  /** `redeem` (the command), `deep_link` (/start ref_...), `checkout`. */
  source: text('source').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A code redeemed with /redeem, applied to the member's next checkout and then cleared. */
export const pendingCodes = pgTable('pending_codes', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  code: text('code').notNull(),
  /** `referral` or `promo`. */
  kind: text('kind').notNull(),
  redeemedAt: timestamp('redeemed_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every DM the product sends, under a unique business key (`receipt:<purchase>`,
 * `access:<user>:v<version>`...), so a retried job never sends the same message twice.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** `payment_received`, `access_granted`, `renewal_coming`, `payment_failed`, `access_ending`, `access_revoked`. */
    kind: text('kind').notNull(),
    platform: text('platform'),
    externalId: text('external_id'),
    /** `sending`, `sent`, `failed`, `no_channel` (the member has no chat identity). */
    status: text('status').notNull(),
    errorCode: text('error_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('notifications_dedupe_unique').on(table.dedupeKey),
    index('notifications_user_idx').on(table.userId),
  ],
);

/** The access state a member was last told about, so a lost job is caught up by the next change. */
export const notificationState = pgTable('notification_state', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  tier: text('tier').notNull(),
  status: text('status').notNull(),
  entitlementVersion: integer('entitlement_version').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Daily quota use per member (signals, API calls), counted in UTC days. Reserved with one
 * `insert ... on conflict do update ... where used + n <= limit`, never read then written.
 */
export const quotaUsage = pgTable(
  'quota_usage',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    quota: text('quota').notNull(),
    day: date('day').notNull(),
    used: integer('used').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.userId, table.quota, table.day] })],
);
