import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { planPrices } from './catalog.js';
import { users } from './users.js';

/**
 * What each crypto invoice's money has done so far, one row per (provider, invoice). The facts of
 * one invoice may arrive in any order and any number of times; this row only moves forward
 * (settled money never shrinks, `void` is final), so each amount is recorded exactly once.
 */
export const cryptoInvoices = pgTable(
  'crypto_invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    providerInvoiceId: text('provider_invoice_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Our checkout_sessions.id when the invoice is ours; null for an invoice the store made by hand. */
    checkoutId: uuid('checkout_id'),
    /** The price the invoice pays for; null when it buys nothing (its money can only be credited). */
    planPriceId: text('plan_price_id').references(() => planPrices.id),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** `waiting` (nothing final yet), `credited` (its money is in the member's crypto balance), `granted` (it bought access), `void` (invalid or refunded: everything reversed; final). */
    outcome: text('outcome').notNull().default('waiting'),
    /** The most settled money (fiat minor units) accounted for: granted plus credited. Never decreases. */
    settledMinor: bigint('settled_minor', { mode: 'number' }).notNull().default(0),
    /** Of that, what sits in the member's crypto balance now. */
    creditedMinor: bigint('credited_minor', { mode: 'number' }).notNull().default(0),
    /** The purchase this invoice's grant recorded. */
    purchaseId: uuid('purchase_id'),
    /** The processor's state in the last fact applied (for moderators). */
    lastState: text('last_state').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('crypto_invoices_provider_invoice_unique').on(table.provider, table.providerInvoiceId),
    index('crypto_invoices_user_idx').on(table.userId),
  ],
);
