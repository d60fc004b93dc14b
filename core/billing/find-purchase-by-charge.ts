import { and, eq, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { purchases } from '../../db/schema/index.js';
import { notYet } from '../errors.js';

/** The purchase a refund or dispute points at, locked for update. Not known yet: retry later. */
export async function findPurchaseByCharge(executor: Executor, provider: string, chargeReference: string) {
  const [purchase] = await executor
    .select()
    .from(purchases)
    .where(
      and(
        eq(purchases.provider, provider),
        or(eq(purchases.chargeReference, chargeReference), eq(purchases.providerPaymentId, chargeReference)),
      ),
    )
    .for('update');
  if (!purchase)
    throw notYet('payment_unknown', 'The payment this event refers to has not been recorded yet.', {
      provider,
      charge_reference: chargeReference,
    });
  return purchase;
}
