import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A member's paper trading account: one per user (the unique user_id is the business key).
 * Money is integer minor units in `currency`; the balance moves only with a recorded fill.
 */
export const autotradeAccounts = pgTable(
  'autotrade_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Follows new signals while true; open positions run to their stop or targets either way. */
    enabled: boolean('enabled').notNull(),
    currency: text('currency').notNull(),
    startingBalanceMinor: bigint('starting_balance_minor', { mode: 'number' }).notNull(),
    /** Starting balance plus every realised PnL. */
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull(),
    realisedPnlMinor: bigint('realised_pnl_minor', { mode: 'number' }).notNull().default(0),
    /** Notional of each new position, fixed when the position is opened. */
    positionNotionalMinor: bigint('position_notional_minor', { mode: 'number' }).notNull(),
    enabledAt: timestamp('enabled_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('autotrade_accounts_user_unique').on(table.userId),
    index('autotrade_accounts_enabled_idx').on(table.enabled),
  ],
);

/**
 * One order-then-position per (account, signal). Prices and quantities are exact decimals
 * (numeric, read as strings); `status` is `pending` (waiting for the entry), `open`,
 * `closed` (`close_reason` `stop` or `targets`), `expired` (entry never reached) or `canceled`.
 */
export const autotradePositions = pgTable(
  'autotrade_positions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => autotradeAccounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    signalId: text('signal_id').notNull(),
    instrument: text('instrument').notNull(),
    /** `long` or `short`. */
    side: text('side').notNull(),
    entryPrice: numeric('entry_price').notNull(),
    stopPrice: numeric('stop_price').notNull(),
    targetPrices: jsonb('target_prices').$type<string[]>().notNull(),
    quantity: numeric('quantity').notNull(),
    remainingQuantity: numeric('remaining_quantity').notNull(),
    targetsHit: integer('targets_hit').notNull().default(0),
    notionalMinor: bigint('notional_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    realisedPnlMinor: bigint('realised_pnl_minor', { mode: 'number' }).notNull().default(0),
    /** What is still open, marked to `last_price` at each matching run; zero once closed. */
    unrealisedPnlMinor: bigint('unrealised_pnl_minor', { mode: 'number' }).notNull().default(0),
    status: text('status').notNull(),
    closeReason: text('close_reason'),
    /** The feed is read from here on: ticks at or before it were already applied. */
    lastTickAt: timestamp('last_tick_at', { withTimezone: true }),
    lastPrice: numeric('last_price'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('autotrade_positions_account_signal_unique').on(table.accountId, table.signalId),
    index('autotrade_positions_status_idx').on(table.status),
  ],
);

/**
 * Every simulated execution. The unique (account, signal, leg) means a replayed tick or a
 * re-run evaluation cannot fill the same leg twice; the account's balance moves in the
 * same transaction as the insert, so it moves once too. `leg` is `entry`, `target_<n>` or `stop`.
 */
export const autotradeFills = pgTable(
  'autotrade_fills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    positionId: uuid('position_id')
      .notNull()
      .references(() => autotradePositions.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => autotradeAccounts.id),
    signalId: text('signal_id').notNull(),
    leg: text('leg').notNull(),
    price: numeric('price').notNull(),
    quantity: numeric('quantity').notNull(),
    /** Zero for the entry; what closing this part realised otherwise. */
    realisedPnlMinor: bigint('realised_pnl_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** The time of the price tick that filled it (not when the evaluation ran). */
    filledAt: timestamp('filled_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('autotrade_fills_account_signal_leg_unique').on(table.accountId, table.signalId, table.leg),
    index('autotrade_fills_account_filled_idx').on(table.accountId, table.filledAt),
  ],
);

/**
 * Signals the autotrade listener has finished following (orders placed for every account
 * that follows). A signal published but missing here lost its job; the sweeper follows it.
 */
export const autotradeFollowedSignals = pgTable('autotrade_followed_signals', {
  signalId: text('signal_id').primaryKey(),
  ordersPlaced: integer('orders_placed').notNull(),
  followedAt: timestamp('followed_at', { withTimezone: true }).notNull(),
});
