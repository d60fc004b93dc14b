import { and, asc, eq, gt, gte, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { notifications, purchases } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import { messages } from './notification-messages.js';
import type { Notify } from './notify.js';

/** Older payments are history, not news: a receipt days late would only confuse. */
const receiptWindowMs = 2 * 86_400_000;

/**
 * A receipt for every recent payment that has none yet. Runs after a member's entitlement
 * changes (their payments) and every minute (everyone's), so a lost job costs a minute.
 * A member's own run also retries receipts that failed to send.
 */
export async function sendReceipts(
  deps: { db: Database; clock: Clock; notify: Notify; planNames: () => Promise<ReadonlyMap<string, string>> },
  options: { userId?: string; limit?: number } = {},
): Promise<number> {
  const { db } = deps;
  const receipt = sql`${notifications.dedupeKey} = 'receipt:' || ${purchases.id}::text`;
  const rows = await db
    .select({
      id: purchases.id,
      userId: purchases.userId,
      planId: purchases.planId,
      amountMinor: purchases.amountMinor,
      currency: purchases.currency,
      paidAt: purchases.paidAt,
    })
    .from(purchases)
    .leftJoin(notifications, receipt)
    .where(
      and(
        gte(purchases.paidAt, new Date(deps.clock.now().getTime() - receiptWindowMs)),
        // A zero-amount invoice (a trial start) is not a payment worth a receipt.
        gt(purchases.amountMinor, 0),
        isNull(purchases.refundedAt),
        options.userId
          ? and(eq(purchases.userId, options.userId), or(isNull(notifications.id), eq(notifications.status, 'failed')))
          : isNull(notifications.id),
      ),
    )
    .orderBy(asc(purchases.paidAt))
    .limit(options.limit ?? 200);
  if (rows.length === 0) return 0;
  const names = await deps.planNames();
  let sent = 0;
  for (const row of rows) {
    const planName = (row.planId && names.get(row.planId)) || row.planId || 'Your plan';
    const message = messages.paymentReceived(planName, row.amountMinor, row.currency, row.paidAt);
    if ((await deps.notify(row.userId, 'payment_received', `receipt:${row.id}`, message)) === 'sent') sent += 1;
  }
  return sent;
}
