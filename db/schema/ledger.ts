import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only money ledger. A trigger refuses UPDATE, DELETE and TRUNCATE; corrections
 * are new entries. `entry_key` is derived from the provider fact that caused the entry,
 * so processing the same fact twice is refused by the database.
 */
export const billingLedger = pgTable(
  'billing_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryKey: text('entry_key').notNull(),
    userId: uuid('user_id'),
    /**
     * `revenue` (money from members), `vault` (the share set aside for the community vault) or
     * `crypto_balance` (crypto money held for a member until a renewal spends it).
     */
    account: text('account').notNull(),
    /**
     * `payment`, `refund`, `dispute`, `dispute_reversal`, `vault_contribution`, `vault_reversal`;
     * on `crypto_balance`: `crypto_credit`, `crypto_credit_reversal`, `balance_draw`.
     */
    kind: text('kind').notNull(),
    /** Signed integer minor units: money in is positive, money out negative. */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    provider: text('provider').notNull(),
    /** The purchase (or other row) this entry is about. */
    referenceId: text('reference_id'),
    paymentEventId: uuid('payment_event_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('billing_ledger_entry_key_unique').on(table.entryKey),
    index('billing_ledger_user_idx').on(table.userId),
  ],
);
