import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { billingLedger, users } from '../../../db/schema/index.js';

export const cryptoBalanceAccount = 'crypto_balance';

export interface BalanceAmount {
  currency: string;
  amountMinor: number;
}

/**
 * A member's crypto credit per currency, in minor units: the sum of their `crypto_balance`
 * ledger entries (credits from partial, late and over-payments, less what renewals drew).
 * Currencies whose credit is zero are left out.
 */
export async function readCryptoBalance(executor: Executor, userId: string): Promise<BalanceAmount[]> {
  const rows = await executor
    .select({ currency: billingLedger.currency, total: sql<string>`sum(${billingLedger.amountMinor})` })
    .from(billingLedger)
    .where(and(eq(billingLedger.account, cryptoBalanceAccount), eq(billingLedger.userId, userId)))
    .groupBy(billingLedger.currency)
    .orderBy(billingLedger.currency);
  return rows
    .map((row) => ({ currency: row.currency, amountMinor: Number(row.total) }))
    .filter((row) => row.amountMinor !== 0);
}

export const balanceIn = (balance: BalanceAmount[], currency: string) =>
  balance.find((each) => each.currency === currency)?.amountMinor ?? 0;

/**
 * Serializes every movement of one member's crypto money (invoice facts, renewals from balance)
 * on their user row, so two workers can never both spend the same credit.
 */
export async function lockMemberMoney(executor: Executor, userId: string) {
  await executor.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
}
