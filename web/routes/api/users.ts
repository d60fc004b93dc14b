import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { platforms } from '../../../core/identity/user-service.js';
import type { Core } from '../../../core/index.js';
import { edgeId, edgeText } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';

const createUserBody = z
  .object({
    email: z.email().max(320).optional(),
    platform: z.enum(platforms).optional(),
    external_id: edgeId(128).optional(),
    username: edgeText().max(128).optional(),
    display_name: edgeText().max(128).optional(),
  })
  .refine((body) => body.email || (body.platform && body.external_id), {
    message: 'give an email, or a platform and external_id',
  })
  .refine((body) => Boolean(body.platform) === Boolean(body.external_id), {
    message: 'platform and external_id go together',
  });

/** POST /v1/users (admin): find or create a user by email or platform identity. */
export async function userRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/users',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['users'],
        summary: 'Find or create a user by email or by platform identity.',
        security: [{ adminKey: [] }],
        body: createUserBody,
        response: { 200: z.object({ id: z.uuid(), created: z.boolean() }) },
      },
    },
    async (request) =>
      core.users.findOrCreate(
        {
          email: request.body.email,
          platform: request.body.platform,
          externalId: request.body.external_id,
          username: request.body.username,
          displayName: request.body.display_name,
        },
        adminActor,
      ),
  );
}
