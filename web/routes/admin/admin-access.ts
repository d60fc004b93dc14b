import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessResourceInput, type PlanAccessResourceRow } from '../../../core/access/plan-access-resources.js';
import type { Core } from '../../../core/index.js';
import { edgeId } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';

const describeResource = (row: PlanAccessResourceRow) => ({
  id: row.id,
  plan_id: row.planId,
  kind: row.kind,
  scope_id: row.scopeId,
  resource_id: row.resourceId,
  label: row.label,
  created_at: row.createdAt.toISOString(),
});

/**
 * The chat resources a plan grants (Discord roles, Telegram chats, Slack channels). Holding a
 * tier also grants the resources of every lower tier; the reconciler applies changes on its
 * next pass for each member (the schedule, or any entitlement change or join).
 */
export async function adminAccessRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];
  const planParams = z.object({ id: edgeId(40) });

  typed.get(
    '/admin/plans/:id/access',
    {
      preHandler: requireAdmin,
      schema: { tags: ['admin'], summary: 'The chat resources this plan grants.', security, params: planParams },
    },
    async (request) => ({
      resources: (await core.access.resources.list(request.params.id)).map(describeResource),
    }),
  );

  typed.post(
    '/admin/plans/:id/access',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Grant a Discord role (scope_id = guild id), Telegram chat or Slack channel with this plan. Audited.',
        security,
        params: planParams,
        body: accessResourceInput,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(describeResource(await core.access.resources.add(request.params.id, request.body, adminActor))),
  );

  typed.delete(
    '/admin/plans/:id/access/:resource_id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary:
          'Stop granting a resource with this plan (resource_id is the row id). A resource no plan lists is no longer managed: nobody loses it. Audited.',
        security,
        params: planParams.extend({ resource_id: z.uuid() }),
      },
    },
    async (request) =>
      describeResource(await core.access.resources.remove(request.params.id, request.params.resource_id, adminActor)),
  );
}
