import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { purchases } from '../../db/schema/index.js';
import { appendLedgerEntries, vaultShare } from '../ledger/ledger-entries.js';
import type { NormalizedEvent } from '../ports/payment-provider.js';
import { findPurchaseByCharge } from './find-purchase-by-charge.js';

type RefundEvent = Extract<NormalizedEvent, { kind: 'refund.updated' }>;

/**
 * Refund events carry the cumulative amount refunded. Only the increase over what we have
 * recorded is posted, keyed by the cumulative total, so replays and out-of-order
 * deliveries post each cent exactly once.
 */
export async function applyRefund(
  executor: Executor,
  context: { provider: string; paymentEventId: string | null; vaultBasisPoints: number },
  event: RefundEvent,
): Promise<string | null> {
  const purchase = await findPurchaseByCharge(executor, context.provider, event.chargeReference);
  const cumulative = Math.min(event.amountRefundedMinor, purchase.amountMinor);
  const increase = cumulative - purchase.amountRefundedMinor;
  if (increase <= 0) return null;
  await executor
    .update(purchases)
    .set({ amountRefundedMinor: cumulative, refundedAt: event.occurredAt })
    .where(eq(purchases.id, purchase.id));
  const key = `${context.provider}:${event.chargeReference}:${cumulative}`;
  const common = {
    userId: purchase.userId,
    currency: purchase.currency,
    provider: context.provider,
    referenceId: purchase.id,
    paymentEventId: context.paymentEventId,
    occurredAt: event.occurredAt,
  };
  const vaultBefore = vaultShare(purchase.amountRefundedMinor, context.vaultBasisPoints);
  const vaultAfter = vaultShare(cumulative, context.vaultBasisPoints);
  await appendLedgerEntries(executor, [
    { ...common, entryKey: `refund:${key}`, account: 'revenue', kind: 'refund', amountMinor: -increase },
    {
      ...common,
      entryKey: `vault-refund:${key}`,
      account: 'vault',
      kind: 'vault_reversal',
      amountMinor: -(vaultAfter - vaultBefore),
    },
  ]);
  return purchase.userId;
}
