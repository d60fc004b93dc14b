import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PlanWithPrices } from '../../../core/catalog/catalog-service.js';
import type { Core } from '../../../core/index.js';

export const describePlan = (plan: PlanWithPrices) => ({
  id: plan.id,
  kind: plan.kind,
  name: plan.name,
  description: plan.description,
  rank: plan.rank,
  features: plan.features,
  quotas: plan.quotas,
  contact_sales: plan.contactSales,
  active: plan.active,
  prices: plan.prices.map((price) => ({
    id: price.id,
    interval: price.interval,
    amount_minor: price.amountMinor,
    currency: price.currency,
    version: price.version,
    access_days: price.accessDays,
    active: price.active,
  })),
});

/** GET /v1/plans: the public catalog (active plans and their current prices). */
export async function planRoutes(app: FastifyInstance, core: Core) {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/v1/plans',
      { schema: { tags: ['catalog'], summary: 'List active plans and add-ons with their current prices.' } },
      async () => ({ plans: (await core.catalog.listPlans()).map(describePlan) }),
    );
}
