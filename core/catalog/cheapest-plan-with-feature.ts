import type { PlanWithPrices } from './catalog-service.js';
import { hasMemberFeature, type MemberFeature } from './member-features.js';

/** The plan a locked page offers: what the upgrade button buys, monthly. */
export interface UpgradeOffer {
  planId: string;
  planName: string;
  monthlyAmountMinor: number;
  currency: string;
}

/**
 * The cheapest tier a member can buy by themselves (a monthly price in the shop's currency, not
 * "contact sales") that includes the feature; undefined when none does, and the page then
 * offers the pricing page instead of a button. Price decides, rank breaks ties: a moderator may
 * price a higher tier below a lower one, and the member should be sent to the cheaper.
 */
export function cheapestPlanWithFeature(
  plans: PlanWithPrices[],
  feature: MemberFeature,
  currency: string,
): UpgradeOffer | undefined {
  const offers = plans.flatMap((plan) => {
    if (plan.kind !== 'tier' || !plan.active || plan.contactSales) return [];
    if (!hasMemberFeature(plan, feature)) return [];
    const monthly = plan.prices.find(
      (price) => price.active && price.interval === 'month' && price.currency === currency,
    );
    return monthly ? [{ plan, amountMinor: monthly.amountMinor }] : [];
  });
  offers.sort((left, right) => left.amountMinor - right.amountMinor || left.plan.rank - right.plan.rank);
  const best = offers[0];
  return best
    ? { planId: best.plan.id, planName: best.plan.name, monthlyAmountMinor: best.amountMinor, currency }
    : undefined;
}
