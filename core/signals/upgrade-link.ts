import type { CatalogService } from '../catalog/catalog-service.js';
import type { SignedLinks } from '../links/signed-links.js';

/**
 * A checkout link for the next tier up that can be bought by card (Core for a Free member),
 * or undefined at the top: the quota notice then simply has no button.
 */
export function createUpgradeLink(deps: {
  catalog: Pick<CatalogService, 'listPlans'>;
  links: Pick<SignedLinks, 'checkoutLink'>;
}) {
  return async (userId: string, planId: string): Promise<string | undefined> => {
    const plans = await deps.catalog.listPlans();
    const current = plans.find((plan) => plan.id === planId);
    const next = plans
      .filter(
        (plan) =>
          plan.kind === 'tier' &&
          !plan.contactSales &&
          plan.rank > (current?.rank ?? -1) &&
          plan.prices.some((price) => price.active && price.interval === 'month'),
      )
      .sort((left, right) => left.rank - right.rank)[0];
    if (!next) return undefined;
    return (await deps.links.checkoutLink({ userId, planId: next.id, method: 'card' })).url;
  };
}
