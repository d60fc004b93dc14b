import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { edgeId } from '../../../core/validation/edge-text.js';

const linkBody = z.discriminatedUnion('platform', [
  z.object({ code: edgeId(32), platform: z.literal('web'), external_id: edgeId(128) }),
  z.object({
    code: edgeId(32),
    platform: z.literal('email'),
    external_id: z
      .email()
      .max(320)
      .transform((email) => email.toLowerCase()),
  }),
]);

/**
 * POST /v1/identity/link: a web or email identity enters the code the member got from /link
 * in a bot. Under the admin key until members can sign in (issue 4): the caller vouches
 * for who external_id is.
 */
export async function identityLinkRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/identity/link',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['users'],
        summary: 'Link a web or email identity to the member who issued a /link code.',
        security: [{ adminKey: [] }],
        body: linkBody,
        response: {
          200: z.object({ user_id: z.uuid(), linked: z.boolean(), merged_user_id: z.uuid().optional() }),
        },
      },
    },
    async (request) => {
      const result = await core.linking.redeemCode(
        { platform: request.body.platform, externalId: request.body.external_id },
        request.body.code,
      );
      return {
        user_id: result.userId,
        linked: result.linked,
        ...(result.mergedUserId ? { merged_user_id: result.mergedUserId } : {}),
      };
    },
  );
}
