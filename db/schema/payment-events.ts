import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The webhook inbox. A verified provider event is stored here before we answer 200;
 * the database, not the queue, remembers what still has to be processed.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    providerEventId: text('provider_event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact bytes we verified, as text: re-parsed on every (re)play, never re-serialized. */
    payload: text('payload').notNull(),
    /** `pending`, `processing`, `processed`, `ignored`, `failed` (will retry), `dead`. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A worker's claim; a crashed worker's claim lapses and the sweeper picks the row up. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('payment_events_provider_event_unique').on(table.provider, table.providerEventId),
    index('payment_events_status_idx').on(table.status, table.nextAttemptAt),
  ],
);
