import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarMonthOf } from '../../../core/billing/business-figures.js';
import { badRequest } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';

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
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : calendarMonthOf(core.clock.now()).to;
      const from = request.query.from ? new Date(request.query.from) : calendarMonthOf(new Date(to.getTime() - 1)).from;
      if (from >= to) throw badRequest('period_invalid', '`from` must be before `to`.');
      return core.funnel.report({ from, to });
    },
  );
}
