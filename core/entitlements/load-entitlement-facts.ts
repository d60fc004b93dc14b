import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { accessFreezes, manualGrants, planPrices, purchases, subscriptions } from '../../db/schema/index.js';
import type { EntitlementFacts } from './entitlement-types.js';

/**
 * Reads every fact about one user that the entitlement function looks at. Sequential on
 * purpose: inside a transaction PGlite runs one statement at a time.
 */
export async function loadEntitlementFacts(executor: Executor, userId: string): Promise<EntitlementFacts> {
  const subscriptionRows = await executor.select().from(subscriptions).where(eq(subscriptions.userId, userId));
  const purchaseRows = await executor
    .select({ purchase: purchases, accessDays: planPrices.accessDays })
    .from(purchases)
    .leftJoin(planPrices, eq(planPrices.id, purchases.planPriceId))
    .where(eq(purchases.userId, userId));
  const grantRows = await executor.select().from(manualGrants).where(eq(manualGrants.userId, userId));
  const freezeRows = await executor.select().from(accessFreezes).where(eq(accessFreezes.userId, userId));
  return {
    userId,
    subscriptions: subscriptionRows,
    purchases: purchaseRows.map(({ purchase, accessDays }) => ({ ...purchase, accessDays: accessDays ?? null })),
    grants: grantRows,
    freezes: freezeRows,
  };
}
