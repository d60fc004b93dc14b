import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPlanSchema, updatePlanSchema } from '../../../core/catalog/plan-schemas.js';
import type { Core } from '../../../core/index.js';
import { edgeId } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';
import { describePlan } from '../api/plans.js';

/** Plans are data: moderators list, create and edit them; a price change is a new price version. */
export async function adminPlanRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.get(
    '/admin/plans',
    {
      preHandler: requireAdmin,
      schema: { tags: ['admin'], summary: 'Every plan, with price history.', security },
    },
    async () => ({ plans: (await core.catalog.listPlans({ includeInactive: true })).map(describePlan) }),
  );

  typed.post(
    '/admin/plans',
    {
      preHandler: requireAdmin,
      schema: { tags: ['admin'], summary: 'Create a plan or add-on.', security, body: createPlanSchema },
    },
    async (request, reply) =>
      reply.status(201).send(describePlan(await core.catalog.createPlan(request.body, adminActor))),
  );

  typed.post(
    '/admin/plans/sync-prices',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: "Create the provider's prices for every active price (Stripe: under our lookup keys).",
        security,
        body: z.object({ provider: z.enum(['stripe']).default('stripe') }).default({ provider: 'stripe' }),
      },
    },
    async (request) => ({ prices: await core.syncProviderPrices(request.body.provider) }),
  );

  typed.patch(
    '/admin/plans/:plan_id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Edit a plan. Prices listed here become new versions; current subscribers keep theirs.',
        security,
        params: z.object({ plan_id: edgeId(40) }),
        body: updatePlanSchema,
      },
    },
    async (request) => describePlan(await core.catalog.updatePlan(request.params.plan_id, request.body, adminActor)),
  );
}
