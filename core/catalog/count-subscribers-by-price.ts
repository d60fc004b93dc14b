import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { subscriptions } from '../../db/schema/index.js';

/** The statuses that may still grant access (as in compute-entitlements.ts): a subscriber now. */
const currentStatuses = ['trialing', 'active', 'past_due'];

/**
 * How many current subscriptions are on each price version, keyed by plan price id: the tier's
 * price (plan_price_id) and each add-on's price on the subscription. A price change makes a new
 * version and leaves subscribers on theirs, so the owner reads here who pays what.
 */
export async function countSubscribersByPrice(executor: Executor): Promise<Map<string, number>> {
  const tierRows = await executor
    .select({ priceId: subscriptions.planPriceId, count: sql<number>`count(*)` })
    .from(subscriptions)
    .where(and(inArray(subscriptions.status, currentStatuses), isNotNull(subscriptions.planPriceId)))
    .groupBy(subscriptions.planPriceId);
  const addonRows = await executor
    .select({
      priceId: sql<string>`addon ->> 'planPriceId'`,
      count: sql<number>`count(distinct ${subscriptions.id})`,
    })
    .from(sql`${subscriptions}, jsonb_array_elements(${subscriptions.addons}) as addon`)
    .where(and(inArray(subscriptions.status, currentStatuses), sql`addon ->> 'planPriceId' is not null`))
    .groupBy(sql`addon ->> 'planPriceId'`);
  const counts = new Map<string, number>();
  for (const row of [...tierRows, ...addonRows])
    if (row.priceId) counts.set(row.priceId, (counts.get(row.priceId) ?? 0) + Number(row.count));
  return counts;
}
