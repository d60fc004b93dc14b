import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { featureFlagKeys } from '../../../core/feature-flags/feature-flags.js';
import { rolloutModes } from '../../../core/feature-flags/rollout.js';
import type { Core } from '../../../core/index.js';
import { adminActor } from '../../admin-auth.js';

/** Rollout switches (the member billing pages): read and change them with the admin key. */
export async function adminFeatureFlagRoutes(
  app: FastifyInstance,
  core: Core,
  requireAdmin: preHandlerAsyncHookHandler,
) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.get(
    '/admin/feature-flags',
    {
      preHandler: requireAdmin,
      schema: { tags: ['admin'], summary: 'Every feature flag with its rollout mode.', security },
    },
    async () => ({ flags: await core.featureFlags.list() }),
  );

  typed.put(
    '/admin/feature-flags/:key',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary:
          'Set a flag: off, allow_list (user ids), percentage (a stable hash of the user id) or on. The bots never read it.',
        security,
        params: z.object({ key: z.enum(featureFlagKeys) }),
        body: z.object({
          mode: z.enum(rolloutModes),
          allow_list: z.array(z.uuid()).max(1000).default([]),
          percentage: z.number().int().min(0).max(100).default(0),
        }),
      },
    },
    async (request) =>
      core.featureFlags.set(
        request.params.key,
        { mode: request.body.mode, allowList: request.body.allow_list, percentage: request.body.percentage },
        adminActor,
      ),
  );
}
