import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { purchases } from '../../db/schema/index.js';
import { appendLedgerEntries, type LedgerEntry, vaultShare } from '../ledger/ledger-entries.js';
import type { NormalizedEvent } from '../ports/payment-provider.js';
import { findPurchaseByCharge } from './find-purchase-by-charge.js';

type DisputeEvent = Extract<NormalizedEvent, { kind: 'dispute.updated' }>;

/** won and lost are final; an `open` that arrives after them changes nothing. */
const finality: Record<string, number> = { open: 1, won: 2, lost: 2 };

/**
 * A dispute freezes access while open (the bank holds the money), restores it when won, and
 * acts as a forced refund when lost. Ledger entries are keyed by the dispute id.
 */
export async function applyDispute(
  executor: Executor,
  context: { provider: string; paymentEventId: string | null; vaultBasisPoints: number },
  event: DisputeEvent,
): Promise<string | null> {
  const purchase = await findPurchaseByCharge(executor, context.provider, event.chargeReference);
  const current = purchase.disputeId === event.providerDisputeId ? purchase.disputeStatus : null;
  if (current && (finality[current] ?? 0) >= (finality[event.status] ?? 0)) return null;
  await executor
    .update(purchases)
    .set({
      disputeId: event.providerDisputeId,
      disputeStatus: event.status,
      disputeClosedAt: event.status === 'open' ? null : event.occurredAt,
    })
    .where(eq(purchases.id, purchase.id));
  const disputeKey = `${context.provider}:${event.providerDisputeId}`;
  const common = {
    userId: purchase.userId,
    currency: event.currency,
    provider: context.provider,
    referenceId: purchase.id,
    paymentEventId: context.paymentEventId,
    occurredAt: event.occurredAt,
  };
  const amount = Math.min(event.amountMinor, purchase.amountMinor);
  // The bank takes the money when the dispute opens, whatever order we learn things in: booked
  // at the opening time, not at the time of whichever event (open or verdict) arrived first.
  const entries: LedgerEntry[] = [
    {
      ...common,
      occurredAt: event.openedAt ?? event.occurredAt,
      entryKey: `dispute:${disputeKey}`,
      account: 'revenue',
      kind: 'dispute',
      amountMinor: -amount,
    },
  ];
  if (event.status === 'won')
    entries.push({
      ...common,
      entryKey: `dispute-won:${disputeKey}`,
      account: 'revenue',
      kind: 'dispute_reversal',
      amountMinor: amount,
    });
  if (event.status === 'lost')
    entries.push({
      ...common,
      entryKey: `vault-dispute:${disputeKey}`,
      account: 'vault',
      kind: 'vault_reversal',
      amountMinor: -vaultShare(amount, context.vaultBasisPoints),
    });
  await appendLedgerEntries(executor, entries);
  return purchase.userId;
}
