import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { planPrices, plans, type SubscriptionAddon } from '../../db/schema/index.js';
import { notYet } from '../errors.js';
import type { PriceReference } from '../ports/payment-provider.js';

export interface ResolvedItems {
  tier: { planId: string; planPriceId: string } | null;
  addons: SubscriptionAddon[];
  /** The single plan a one-time purchase bought (a tier or an add-on). */
  firstPlan: { planId: string; planPriceId: string } | null;
}

/** Maps provider line items to our plans: by our price id when given, else by the provider's price id. */
export async function resolvePriceItems(executor: Executor, items: PriceReference[]): Promise<ResolvedItems> {
  const ourIds = items.map((item) => item.planPriceId).filter((id): id is string => Boolean(id));
  const stripeIds = items.map((item) => item.providerPriceId).filter((id): id is string => Boolean(id));
  const rows = [
    ...(ourIds.length
      ? await executor
          .select({ price: planPrices, kind: plans.kind })
          .from(planPrices)
          .innerJoin(plans, eq(plans.id, planPrices.planId))
          .where(inArray(planPrices.id, ourIds))
      : []),
    ...(stripeIds.length
      ? await executor
          .select({ price: planPrices, kind: plans.kind })
          .from(planPrices)
          .innerJoin(plans, eq(plans.id, planPrices.planId))
          .where(inArray(planPrices.stripePriceId, stripeIds))
      : []),
  ];
  const resolved: ResolvedItems = { tier: null, addons: [], firstPlan: null };
  for (const item of items) {
    const row = rows.find(
      (candidate) =>
        (item.planPriceId && candidate.price.id === item.planPriceId) ||
        (item.providerPriceId && candidate.price.stripePriceId === item.providerPriceId),
    );
    if (!row)
      throw notYet('price_unresolved', 'A line item does not match any price in the catalog.', {
        plan_price_id: item.planPriceId,
        provider_price_id: item.providerPriceId,
      });
    const reference = { planId: row.price.planId, planPriceId: row.price.id };
    resolved.firstPlan ??= reference;
    if (row.kind === 'tier' && !resolved.tier) resolved.tier = reference;
    else resolved.addons.push({ ...reference, quantity: item.quantity });
  }
  return resolved;
}
