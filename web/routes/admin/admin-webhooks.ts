import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { paymentEventStatuses } from '../../../core/webhooks/payment-event-admin.js';
import { adminActor } from '../../admin-auth.js';

/** The inbox for moderators: see dead letters and replay any stored event. */
export async function adminWebhookRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.get(
    '/admin/webhooks',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Stored webhook events, newest first; filter by status (e.g. dead).',
        security,
        querystring: z.object({
          status: z.enum(paymentEventStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (request) => ({
      events: await core.paymentEvents.list({
        status: request.query.status,
        limit: request.query.limit,
        before: request.query.before ? new Date(request.query.before) : undefined,
      }),
    }),
  );

  typed.get(
    '/admin/webhooks/:event_id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'One stored event with its raw payload.',
        security,
        params: z.object({ event_id: z.uuid() }),
      },
    },
    async (request) => core.paymentEvents.get(request.params.event_id),
  );

  typed.post(
    '/admin/webhooks/:event_id/replay',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Process a stored event again (dead-lettered or not). Effects are keyed, so nothing doubles.',
        security,
        params: z.object({ event_id: z.uuid() }),
      },
    },
    async (request, reply) =>
      reply.status(202).send({ event: await core.paymentEvents.replay(request.params.event_id, adminActor) }),
  );
}
