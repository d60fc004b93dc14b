import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { billingLedger } from '../../db/schema/index.js';

/** `crypto_balance`: crypto money held for a member (partial, late and over-payments), theirs until spent. */
export type LedgerAccount = 'revenue' | 'vault' | 'crypto_balance';
export type LedgerKind =
  | 'payment'
  | 'refund'
  | 'dispute'
  | 'dispute_reversal'
  | 'vault_contribution'
  | 'vault_reversal'
  | 'crypto_credit'
  | 'crypto_credit_reversal'
  | 'balance_draw';

export interface LedgerEntry {
  /** Derived from the provider fact that caused it: the same fact can never post twice. */
  entryKey: string;
  userId: string | null;
  account: LedgerAccount;
  kind: LedgerKind;
  amountMinor: number;
  currency: string;
  provider: string;
  referenceId: string | null;
  paymentEventId: string | null;
  occurredAt: Date;
  metadata?: Record<string, unknown>;
}

/** Appends entries; an entry whose key exists is skipped. Returns how many were new. */
export async function appendLedgerEntries(executor: Executor, entries: LedgerEntry[]): Promise<number> {
  const nonZero = entries.filter((entry) => entry.amountMinor !== 0);
  if (nonZero.length === 0) return 0;
  for (const entry of nonZero)
    if (!Number.isSafeInteger(entry.amountMinor))
      throw new Error(`ledger amount must be an integer: ${entry.entryKey}`);
  const inserted = await executor
    .insert(billingLedger)
    .values(nonZero.map((entry) => ({ ...entry, metadata: entry.metadata ?? {} })))
    .onConflictDoNothing({ target: billingLedger.entryKey })
    .returning({ id: billingLedger.id });
  return inserted.length;
}

/** The vault's share of an amount, rounded down so the vault never receives a fraction of a cent. */
export const vaultShare = (amountMinor: number, basisPoints: number) =>
  Math.floor((amountMinor * basisPoints) / 10_000);

export async function ledgerBalance(executor: Executor, account: 'revenue' | 'vault', currency: string) {
  const [row] = await executor
    .select({ total: sql<string>`coalesce(sum(${billingLedger.amountMinor}), 0)` })
    .from(billingLedger)
    .where(and(eq(billingLedger.account, account), eq(billingLedger.currency, currency)));
  return Number(row?.total ?? 0);
}
