import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Core } from '../../../core/index.js';
import { adminPeriodQuery, resolveAdminPeriod } from './admin-period.js';

/** The conversion funnel per platform, over the same default period as GET /admin/revenue. */
export async function adminFunnelRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/admin/funnel',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Plans viewed, checkouts opened and paid, per platform, with conversion in basis points.',
        security: [{ adminKey: [] }],
        querystring: adminPeriodQuery,
      },
    },
    async (request) => core.funnel.report(resolveAdminPeriod(request.query, core.clock.now())),
  );
}
