import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { edgeText } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';
import { adminPeriodQuery, resolveAdminPeriod } from './admin-period.js';

/** Revenue for moderators, and refunds they start. */
export async function adminRevenueRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.get(
    '/admin/revenue',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'MRR, active by plan, new and churned and churn rate in the period, revenue by provider.',
        description:
          'MRR and the active counts are as of now; new, churned and money over the period, which defaults to the current calendar month (UTC), as `/admin stats` shows. `from` is inclusive, `to` exclusive. Definitions: README, "Business figures".',
        security,
        querystring: adminPeriodQuery,
      },
    },
    async (request) => core.revenueReport(resolveAdminPeriod(request.query, core.clock.now())),
  );

  typed.post(
    '/admin/payments/:payment_id/refund',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Refund a payment in full or in part. Access and ledger follow the provider webhook.',
        security,
        params: z.object({ payment_id: z.uuid() }),
        body: z.object({
          amount_minor: z.number().int().min(1).optional(),
          reason: edgeText().min(1).max(500),
        }),
      },
    },
    async (request, reply) =>
      reply.status(202).send(
        await core.subscriptions.refund(
          {
            purchaseId: request.params.payment_id,
            amountMinor: request.body.amount_minor ?? null,
            reason: request.body.reason,
          },
          adminActor,
        ),
      ),
  );
}
