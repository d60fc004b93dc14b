import { eq, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { entitlements, manualGrants, purchases, subscriptions } from '../../db/schema/index.js';
import type { EntitlementService } from './entitlement-service.js';

/** Recomputed in transactions of this many users, so a plan with many holders locks few rows at a time. */
const batchSize = 200;

/**
 * Everyone whose stored entitlements may read this plan: its tier holders, and anyone with a
 * subscription, purchase or grant naming it (as tier or add-on). Over-inclusive on purpose: a
 * recompute that changes nothing publishes nothing.
 */
async function holdersOf(db: Database, planId: string): Promise<string[]> {
  const lists = await Promise.all([
    db.select({ userId: entitlements.userId }).from(entitlements).where(eq(entitlements.tier, planId)),
    db
      .select({ userId: subscriptions.userId })
      .from(subscriptions)
      .where(
        or(eq(subscriptions.planId, planId), sql`${subscriptions.addons} @> ${JSON.stringify([{ planId }])}::jsonb`),
      ),
    db.select({ userId: purchases.userId }).from(purchases).where(eq(purchases.planId, planId)),
    db.select({ userId: manualGrants.userId }).from(manualGrants).where(eq(manualGrants.planId, planId)),
  ]);
  return [...new Set(lists.flat().map((row) => row.userId))];
}

/**
 * After a plan's features, quotas or availability change, its holders' stored entitlements are
 * recomputed now (caches replaced, access sync and notifications nudged as for any change),
 * rather than whenever each holder's row next falls due.
 */
export async function refreshPlanHolders(
  deps: { db: Database; entitlements: EntitlementService },
  planId: string,
): Promise<number> {
  const userIds = await holdersOf(deps.db, planId);
  for (let start = 0; start < userIds.length; start += batchSize) {
    const batch = userIds.slice(start, start + batchSize);
    await deps.entitlements.commitAndRecompute(async () => ({ value: undefined, userIds: batch }));
  }
  return userIds.length;
}
