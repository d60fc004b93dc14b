import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { purchases } from '../../db/schema/index.js';

/** What became of a payment, from our own ledger of it (refund and dispute webhooks). */
export type InvoiceState = 'paid' | 'partially_refunded' | 'refunded' | 'disputed' | 'dispute_won' | 'charged_back';

export interface MemberInvoice {
  paidAt: Date;
  planId: string | null;
  kind: 'subscription' | 'one_time';
  periodStart: Date | null;
  periodEnd: Date | null;
  amountMinor: number;
  amountRefundedMinor: number;
  currency: string;
  state: InvoiceState;
  /** The provider's hosted invoice or receipt page, when it gave one. */
  receiptUrl: string | null;
}

const invoiceLimit = 36;

export function invoiceState(row: {
  amountMinor: number;
  amountRefundedMinor: number;
  disputeStatus: string | null;
}): InvoiceState {
  if (row.disputeStatus === 'lost') return 'charged_back';
  if (row.disputeStatus === 'open') return 'disputed';
  if (row.amountRefundedMinor > 0)
    return row.amountRefundedMinor >= row.amountMinor ? 'refunded' : 'partially_refunded';
  if (row.disputeStatus === 'won') return 'dispute_won';
  return 'paid';
}

/**
 * The member's payments as our purchases table records them (never the provider's list):
 * newest first, only theirs, with what refunds and disputes did to each.
 */
export async function listMemberInvoices(db: Database, userId: string): Promise<MemberInvoice[]> {
  const rows = await db
    .select()
    .from(purchases)
    .where(eq(purchases.userId, userId))
    .orderBy(desc(purchases.paidAt), desc(purchases.createdAt))
    .limit(invoiceLimit);
  return rows.map((row) => ({
    paidAt: row.paidAt,
    planId: row.planId,
    kind: row.kind === 'one_time' ? 'one_time' : 'subscription',
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    amountMinor: row.amountMinor,
    amountRefundedMinor: row.amountRefundedMinor,
    currency: row.currency,
    state: invoiceState(row),
    receiptUrl: row.receiptUrl,
  }));
}
