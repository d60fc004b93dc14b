import type { subscriptions } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Clock } from '../ports/clock.js';
import type { PaymentProvider, PlanChangePreview } from '../ports/payment-provider.js';
import { planChangeTarget } from './plan-change-target.js';
import { checkoutLine, ensureProviderPrice } from './provider-prices.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

export type PlanChangePreviewView = PlanChangePreview & {
  fromPlanId: string;
  planId: string;
  planName: string;
  interval: string;
};

/**
 * What switching to `planId` with proration would cost, asked of the subscription's own
 * provider (the sandbox computes it, Stripe previews its invoice), for the member to confirm.
 * It resolves the same target price as the change itself and changes nothing.
 */
export async function previewPlanChange(
  deps: { catalog: CatalogService; clock: Clock; idempotencyPrefix: string },
  provider: PaymentProvider,
  subscription: SubscriptionRow,
  planId: string,
): Promise<PlanChangePreviewView> {
  const { plan, price } = await planChangeTarget(deps.catalog, subscription, planId);
  const line = checkoutLine(plan.name, price, 1, provider.name);
  line.providerPriceId = await ensureProviderPrice(deps.catalog, provider, line, deps.idempotencyPrefix);
  const preview = await provider.previewPlanChange({
    providerSubscriptionId: subscription.providerSubscriptionId,
    line,
    prorateAt: deps.clock.now(),
  });
  return {
    ...preview,
    fromPlanId: subscription.planId,
    planId: plan.id,
    planName: plan.name,
    interval: price.interval,
  };
}
