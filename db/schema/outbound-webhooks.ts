import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A member's HTTPS endpoint for outbound webhooks. The signing secret must be kept to sign,
 * so it is stored encrypted (AES-256-GCM, bound to this row's id), never as plain text.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    url: text('url').notNull(),
    /** Event types delivered here: `signal.published`, `subscription.updated`, `entitlements.updated`. */
    events: jsonb('events').$type<string[]>().notNull(),
    /** `active` or `disabled`. */
    status: text('status').notNull().default('active'),
    /** `gone` (the receiver answered 410), `failing` (a delivery failed for a whole retry window), `member`. */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** `v1.<iv>.<tag>.<ciphertext>` (base64url); the plain secret is shown once. */
    secretCiphertext: text('secret_ciphertext').notNull(),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    /** Failed attempts since the last 2xx (shown to the member; the disable rule uses lastSuccessAt). */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('webhook_endpoints_user_idx').on(table.userId)],
);

/**
 * One event, stored once under its business key (`entitlements.updated:<user>:v<version>`,
 * `signal.published:<signal>`...), with the exact body every delivery and redelivery sends.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    /** `msg_<hex>`: the `webhook-id` header, the same on every attempt and redelivery. */
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    sourceKey: text('source_key').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('webhook_events_source_unique').on(table.sourceKey)],
);

/** One (event, endpoint) delivery: unique per pair, so no endpoint gets an event twice unasked. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The endpoint's owner, so ownership checks need no join. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** `pending`, `delivering`, `retrying`, `succeeded`, `failed` (gave up or endpoint disabled). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    /** The first bytes of the last response, for the member's debugging; never more. */
    responseExcerpt: text('response_excerpt'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** Start of the current retry window (the first attempt, or the redelivery). */
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** While `delivering`: after this the sweeper may hand the delivery to another worker. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_event_endpoint_unique').on(table.eventId, table.endpointId),
    index('webhook_deliveries_endpoint_idx').on(table.endpointId, table.createdAt),
    index('webhook_deliveries_due_idx').on(table.status, table.nextAttemptAt),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
