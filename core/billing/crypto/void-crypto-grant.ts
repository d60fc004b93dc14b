import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { purchases, subscriptions } from '../../../db/schema/index.js';
import { appendLedgerEntries, vaultShare } from '../../ledger/ledger-entries.js';
import { applySubscriptionLifecycle } from '../apply-subscription-lifecycle.js';
import { cryptoSubscriptionSnapshot } from './crypto-subscription-snapshot.js';

/**
 * An invoice marked invalid or refunded after it bought access is a full refund: the purchase
 * is refunded in full (refund and vault reversal in the ledger, once, keyed by the invoice), and
 * when it paid the line's latest period the line ends now, so our clock never renews it.
 */
export async function voidCryptoGrant(
  executor: Executor,
  context: { provider: string; paymentEventId: string | null; vaultBasisPoints: number; now: Date },
  purchaseId: string,
  metadata: Record<string, unknown>,
) {
  const [purchase] = await executor.select().from(purchases).where(eq(purchases.id, purchaseId)).for('update');
  if (!purchase) return;
  const increase = purchase.amountMinor - purchase.amountRefundedMinor;
  if (increase > 0) {
    await executor
      .update(purchases)
      .set({ amountRefundedMinor: purchase.amountMinor, refundedAt: context.now })
      .where(eq(purchases.id, purchase.id));
    const key = `${context.provider}:${purchase.providerPaymentId}:void`;
    const common = {
      userId: purchase.userId,
      currency: purchase.currency,
      provider: context.provider,
      referenceId: purchase.id,
      paymentEventId: context.paymentEventId,
      occurredAt: context.now,
    };
    await appendLedgerEntries(executor, [
      { ...common, entryKey: `refund:${key}`, account: 'revenue', kind: 'refund', amountMinor: -increase, metadata },
      {
        ...common,
        entryKey: `vault-refund:${key}`,
        account: 'vault',
        kind: 'vault_reversal',
        amountMinor: -(
          vaultShare(purchase.amountMinor, context.vaultBasisPoints) -
          vaultShare(purchase.amountRefundedMinor, context.vaultBasisPoints)
        ),
      },
    ]);
  }
  if (!purchase.providerSubscriptionId) return;
  const [line] = await executor
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, context.provider),
        eq(subscriptions.providerSubscriptionId, purchase.providerSubscriptionId),
      ),
    )
    .for('update');
  if (!line || line.status === 'canceled') return;
  // As with a card refund of an older invoice, a later period the member also paid keeps its access.
  if (purchase.periodEnd && line.currentPeriodEnd && purchase.periodEnd < line.currentPeriodEnd) return;
  await applySubscriptionLifecycle(
    executor,
    context.provider,
    cryptoSubscriptionSnapshot(
      line,
      { status: 'canceled', canceledAt: context.now, endedAt: context.now },
      context.now,
    ),
    context.now,
  );
}
