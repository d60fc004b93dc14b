import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * Every published signal, once (unique idempotency key), in a hash chain: `hash` covers the
 * canonical fields and `previous_hash`, and `sequence` is unique, so two publishes can never
 * both claim to follow the same signal.
 */
export const signals = pgTable(
  'signals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 1, 2, 3… in publication order. */
    sequence: integer('sequence').notNull(),
    /** The publisher's key for this signal: a retried publish finds the stored one. */
    idempotencyKey: text('idempotency_key').notNull(),
    instrument: text('instrument').notNull(),
    /** `long` or `short`. */
    side: text('side').notNull(),
    /** Prices are decimal strings: they are not money and never pass through floating point. */
    entry: text('entry').notNull(),
    stop: text('stop').notNull(),
    targets: jsonb('targets').$type<string[]>().notNull(),
    note: text('note'),
    /** `console:owner`, `admin_key`, `api_key:<id>`: who published it. */
    publishedBy: text('published_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    /** 64 zeros for the first signal. */
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
    /** `planning` until every recipient has a delivery row, then `planned`. */
    fanoutStatus: text('fanout_status').notNull().default('planning'),
    /** The last user id the planner finished: a restarted planner continues after it. */
    fanoutCursor: uuid('fanout_cursor'),
    /** Last progress of the planner; a `planning` signal quiet for long has lost its job. */
    fanoutUpdatedAt: timestamp('fanout_updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('signals_sequence_unique').on(table.sequence),
    uniqueIndex('signals_idempotency_key_unique').on(table.idempotencyKey),
    index('signals_published_at_idx').on(table.publishedAt),
    index('signals_fanout_idx').on(table.fanoutStatus).where(sql`${table.fanoutStatus} = 'planning'`),
  ],
);

/**
 * One row per (signal, recipient): a member (`user:<id>`) or a tier channel
 * (`channel:<platform>:<channel id>`). The unique key is what makes a member receive a
 * signal at most once, whatever planner or sweeper runs twice.
 */
export const signalDeliveries = pgTable(
  'signal_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    signalId: uuid('signal_id')
      .notNull()
      .references(() => signals.id),
    recipientKey: text('recipient_key').notNull(),
    /** The member for a DM (or a member whose copy goes through the channel); null for a channel post. */
    userId: uuid('user_id').references(() => users.id),
    /** `dm` or `channel`. */
    kind: text('kind').notNull(),
    platform: text('platform').notNull(),
    /** The member's platform id (DM) or the channel id. */
    target: text('target').notNull(),
    /**
     * `queued`, `sending` (claimed), `sent`, `failed`, `skipped_quota`, `skipped_opt_out`,
     * `via_channel` (the member reads the tier channel instead of a DM).
     */
    status: text('status').notNull(),
    /** The tier this recipient had when planned, and its daily signal limit then. */
    planId: text('plan_id').notNull(),
    dailyLimit: integer('daily_limit').notNull(),
    /** Not before this moment: publication plus the tier's delay, or a retry's backoff. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('signal_deliveries_recipient_unique').on(table.signalId, table.recipientKey),
    index('signal_deliveries_due_idx').on(table.dueAt).where(sql`${table.status} = 'queued'`),
    index('signal_deliveries_user_idx').on(table.userId),
  ],
);

/** What a member chose with /signals; no row means on, by DM. */
export const signalPreferences = pgTable('signal_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  enabled: boolean('enabled').notNull(),
  /** `dm` or `channel`. */
  mode: text('mode').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** The channel each tier's signals are posted to, per platform (moderators manage it). */
export const signalChannels = pgTable(
  'signal_channels',
  {
    planId: text('plan_id').notNull(),
    platform: text('platform').notNull(),
    channelId: text('channel_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.planId, table.platform] })],
);

/** The one "quota reached, upgrade" DM a member gets per UTC day; the key refuses a second. */
export const signalQuotaNotices = pgTable(
  'signal_quota_notices',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    day: date('day').notNull(),
    /** `sending`, `sent`, `failed`, `no_channel`. */
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.day] })],
);
