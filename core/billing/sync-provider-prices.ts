import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../errors.js';
import type { PaymentProvider } from '../ports/payment-provider.js';
import { checkoutLine, ensureProviderPrice } from './provider-prices.js';

/**
 * Makes sure the provider has a price for every active price of ours (Stripe: a Price
 * under our lookup key). Checkout does this lazily too; running it ahead of launch means
 * the first member's checkout makes no catalog writes.
 */
export async function syncProviderPrices(
  catalog: CatalogService,
  provider: PaymentProvider | undefined,
  idempotencyPrefix: string,
) {
  if (!provider) throw badRequest('provider_not_configured', 'That provider is not configured on this server.');
  const synced: Array<{ plan_price_id: string; provider_price_id: string | null }> = [];
  for (const plan of await catalog.listPlans()) {
    if (plan.contactSales) continue;
    for (const price of plan.prices) {
      if (!price.active) continue;
      const line = checkoutLine(plan.name, price, 1, provider.name);
      const providerPriceId = await ensureProviderPrice(catalog, provider, line, idempotencyPrefix);
      synced.push({ plan_price_id: price.id, provider_price_id: providerPriceId });
    }
  }
  return synced;
}
