import type { Executor } from '../../db/client.js';
import { purchases } from '../../db/schema/index.js';
import { appendLedgerEntries, vaultShare } from '../ledger/ledger-entries.js';
import type { PaymentFact } from '../ports/payment-provider.js';
import { resolvePriceItems } from './resolve-price-items.js';
import { resolveUserId } from './resolve-user.js';

/**
 * Records money that arrived: one purchase row (unique per provider payment) and its ledger
 * entries (payment and vault share, keyed by the payment). Delivering the same fact twice,
 * or as both invoice.paid and invoice.payment_succeeded, records it once.
 */
export async function recordPayment(
  executor: Executor,
  context: { provider: string; paymentEventId: string | null; vaultBasisPoints: number },
  payment: PaymentFact,
  /** Stored on the payment's ledger entry (crypto: the coins, amounts and rates that paid). */
  metadata?: Record<string, unknown>,
): Promise<{ userId: string; created: boolean; purchaseId: string | null }> {
  const userId = await resolveUserId(executor, context.provider, {
    userId: payment.userId,
    providerCustomerId: payment.providerCustomerId,
    providerSubscriptionId: payment.providerSubscriptionId,
  });
  const items = payment.items.length ? await resolvePriceItems(executor, payment.items) : null;
  const bought = items?.tier ?? items?.firstPlan ?? null;
  const inserted = await executor
    .insert(purchases)
    .values({
      userId,
      provider: context.provider,
      providerPaymentId: payment.providerPaymentId,
      chargeReference: payment.chargeReference,
      kind: payment.kind,
      providerSubscriptionId: payment.providerSubscriptionId,
      planId: bought?.planId ?? null,
      planPriceId: bought?.planPriceId ?? null,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      paidAt: payment.paidAt,
      periodStart: payment.periodStart,
      periodEnd: payment.periodEnd,
      receiptUrl: payment.receiptUrl ?? null,
    })
    .onConflictDoNothing({ target: [purchases.provider, purchases.providerPaymentId] })
    .returning({ id: purchases.id });
  const purchase = inserted[0];
  if (!purchase) return { userId, created: false, purchaseId: null };

  const paymentKey = `${context.provider}:${payment.providerPaymentId}`;
  const common = {
    userId,
    currency: payment.currency,
    provider: context.provider,
    referenceId: purchase.id,
    paymentEventId: context.paymentEventId,
    occurredAt: payment.paidAt,
  };
  await appendLedgerEntries(executor, [
    {
      ...common,
      entryKey: `payment:${paymentKey}`,
      account: 'revenue',
      kind: 'payment',
      amountMinor: payment.amountMinor,
      ...(metadata ? { metadata } : {}),
    },
    {
      ...common,
      entryKey: `vault:${paymentKey}`,
      account: 'vault',
      kind: 'vault_contribution',
      amountMinor: vaultShare(payment.amountMinor, context.vaultBasisPoints),
      metadata: { basis_points: context.vaultBasisPoints },
    },
  ]);
  return { userId, created: true, purchaseId: purchase.id };
}
