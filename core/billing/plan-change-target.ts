import type { subscriptions } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest, conflict } from '../errors.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

/**
 * The plan and price a subscription would switch to: another active tier one can buy, at the
 * interval the subscription is billed at. Both the change and its preview resolve it here, so
 * a member is never shown a preview for a switch the change would refuse.
 */
export async function planChangeTarget(catalog: CatalogService, subscription: SubscriptionRow, planId: string) {
  if (subscription.planId === planId) throw conflict('plan_unchanged', 'The subscription is already on this plan.');
  const plan = await catalog.getPlan(planId);
  if (!plan.active || plan.kind !== 'tier' || plan.contactSales)
    throw badRequest('plan_not_purchasable', `Plan "${plan.id}" cannot be switched to.`);
  const currentPrice = subscription.planPriceId ? await catalog.getPrice(subscription.planPriceId) : undefined;
  const interval = currentPrice?.interval ?? 'month';
  const price = plan.prices.find((each) => each.active && each.interval === interval);
  if (!price) throw badRequest('price_not_available', `Plan "${plan.id}" has no ${interval} price.`);
  return { plan, price };
}
