import { eq } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { planPrices, type subscriptions } from '../../../db/schema/index.js';
import { appendLedgerEntries } from '../../ledger/ledger-entries.js';
import { addCalendarMonths } from '../add-calendar-months.js';
import { applySubscriptionLifecycle } from '../apply-subscription-lifecycle.js';
import { recordPayment } from '../record-payment.js';
import { balanceIn, cryptoBalanceAccount, readCryptoBalance } from './crypto-balance.js';
import { cryptoSubscriptionSnapshot, periodMonths } from './crypto-subscription-snapshot.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

export interface BalanceRenewal {
  userId: string;
  purchaseId: string;
  subscriptionId: string;
  planId: string;
  amountMinor: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  balanceLeftMinor: number;
}

/**
 * Renews one crypto subscription from the member's crypto balance when it covers the price:
 * the balance pays (a `balance_draw` entry), revenue and the vault receive it like any payment,
 * and a purchase row holds the period. Keyed by the period it buys, so the clock running twice
 * draws once. The caller holds the member's money lock.
 */
export async function renewFromBalance(
  executor: Executor,
  input: { line: SubscriptionRow; periodStart: Date; now: Date; vaultBasisPoints: number },
): Promise<BalanceRenewal | null> {
  const { line, periodStart, now } = input;
  if (!line.planPriceId) return null;
  const [price] = await executor.select().from(planPrices).where(eq(planPrices.id, line.planPriceId));
  if (!price || price.interval === 'one_time') return null;
  const balance = balanceIn(await readCryptoBalance(executor, line.userId), price.currency);
  if (balance < price.amountMinor) return null;

  const periodEnd = addCalendarMonths(periodStart, periodMonths(price.interval));
  const providerPaymentId = `balance_${line.providerSubscriptionId}_${periodStart.toISOString()}`;
  const recorded = await recordPayment(
    executor,
    { provider: line.provider, paymentEventId: null, vaultBasisPoints: input.vaultBasisPoints },
    {
      providerPaymentId,
      chargeReference: null,
      kind: 'subscription',
      userId: line.userId,
      providerCustomerId: null,
      providerSubscriptionId: line.providerSubscriptionId,
      items: [{ planPriceId: price.id, providerPriceId: null, quantity: 1 }],
      amountMinor: price.amountMinor,
      currency: price.currency,
      paidAt: now,
      periodStart,
      periodEnd,
    },
    { paid_from: cryptoBalanceAccount },
  );
  if (!recorded.purchaseId) return null;
  await appendLedgerEntries(executor, [
    {
      entryKey: `balance-draw:${line.provider}:${providerPaymentId}`,
      userId: line.userId,
      account: cryptoBalanceAccount,
      kind: 'balance_draw',
      amountMinor: -price.amountMinor,
      currency: price.currency,
      provider: line.provider,
      referenceId: recorded.purchaseId,
      paymentEventId: null,
      occurredAt: now,
      metadata: { provider_subscription_id: line.providerSubscriptionId, period_start: periodStart.toISOString() },
    },
  ]);
  await applySubscriptionLifecycle(
    executor,
    line.provider,
    cryptoSubscriptionSnapshot(
      line,
      { status: 'active', currentPeriodStart: periodStart, currentPeriodEnd: periodEnd },
      now,
    ),
    now,
  );
  return {
    userId: line.userId,
    purchaseId: recorded.purchaseId,
    subscriptionId: line.id,
    planId: line.planId,
    amountMinor: price.amountMinor,
    currency: price.currency,
    periodStart,
    periodEnd,
    balanceLeftMinor: balance - price.amountMinor,
  };
}
