import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { edgeId, edgeText } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';

const reasonSchema = edgeText().min(1).max(500);

/** Manual access: grant a plan for some days (or until a date), revoke it, list a user's grants. */
export async function adminGrantRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.post(
    '/admin/grants',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Grant a plan to a user by hand, with an expiry. Audited.',
        security,
        body: z
          .object({
            user_id: z.uuid(),
            plan_id: edgeId(40),
            days: z.number().int().min(1).max(3650).optional(),
            expires_at: z.iso.datetime({ offset: true }).optional(),
            permanent: z.literal(true).optional(),
            reason: reasonSchema,
          })
          .refine(
            (body) => [body.days, body.expires_at, body.permanent].filter((value) => value !== undefined).length === 1,
            {
              message: 'give exactly one of days, expires_at or permanent: true',
            },
          ),
      },
    },
    async (request, reply) => {
      const grant = await core.grants.grant(
        {
          userId: request.body.user_id,
          planId: request.body.plan_id,
          days: request.body.days ?? null,
          expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
          reason: request.body.reason,
        },
        adminActor,
      );
      return reply.status(201).send({ grant, entitlements: await core.entitlements.get(request.body.user_id) });
    },
  );

  typed.post(
    '/admin/grants/:grant_id/revoke',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a manual grant now. Audited.',
        security,
        params: z.object({ grant_id: z.uuid() }),
        body: z.object({ reason: reasonSchema }),
      },
    },
    async (request) => ({ grant: await core.grants.revoke(request.params.grant_id, request.body.reason, adminActor) }),
  );

  typed.post(
    '/admin/users/:user_id/freezes',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Freeze a user: free-tier access whatever they paid, until lifted. Audited.',
        security,
        params: z.object({ user_id: z.uuid() }),
        body: z.object({ reason: reasonSchema }),
      },
    },
    async (request, reply) => {
      const freeze = await core.freezes.freeze(
        { userId: request.params.user_id, reason: request.body.reason },
        adminActor,
      );
      return reply.status(201).send({ freeze, entitlements: await core.entitlements.get(request.params.user_id) });
    },
  );

  typed.post(
    '/admin/freezes/:freeze_id/lift',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Lift a freeze now. Audited.',
        security,
        params: z.object({ freeze_id: z.uuid() }),
        body: z.object({ reason: reasonSchema }),
      },
    },
    async (request) => ({ freeze: await core.freezes.lift(request.params.freeze_id, request.body.reason, adminActor) }),
  );

  typed.get(
    '/admin/users/:user_id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'A user with identities, subscription, entitlements and grants.',
        security,
        params: z.object({ user_id: z.uuid() }),
      },
    },
    async (request) => {
      const user = await core.users.get(request.params.user_id);
      return {
        user: {
          id: user.id,
          email: user.email,
          display_name: user.displayName,
          identities: user.identities.map((identity) => ({
            platform: identity.platform,
            external_id: identity.externalId,
            username: identity.username,
          })),
        },
        billing: await core.subscriptions.status(user.id),
        grants: await core.grants.list(user.id),
        freezes: await core.freezes.list(user.id),
      };
    },
  );
}
