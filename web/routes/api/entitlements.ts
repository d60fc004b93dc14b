import fastJsonStringify from 'fast-json-stringify';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EntitlementView } from '../../../core/entitlements/entitlement-service.js';
import type { Core } from '../../../core/index.js';

export const entitlementSchema = z.object({
  user_id: z.uuid(),
  tier: z.string(),
  status: z.string(),
  features: z.array(z.string()),
  quotas: z.record(z.string(), z.number()),
  expires_at: z.string().nullable(),
  explanation: z.string(),
  version: z.number().int(),
});

const publicView = ({ recheck_at: _internal, ...view }: EntitlementView) => view;

/**
 * The hot check's 200 body, serialized by fast-json-stringify compiled once from the same
 * schema the docs show: it writes only the declared fields (internal ones never leak) and
 * costs a fraction of validating the view again on every call. The view is built by our
 * own code from typed rows, so its shape is checked by the compiler, not per request.
 */
const serializeEntitlement = fastJsonStringify(
  z.toJSONSchema(entitlementSchema) as Parameters<typeof fastJsonStringify>[0],
);

/** The hot check: what may this user use right now. */
export async function entitlementRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/v1/entitlements/:user_id',
    {
      preHandler: requireAdmin,
      serializerCompiler: () => serializeEntitlement,
      schema: {
        tags: ['entitlements'],
        summary: "A user's tier, status, features and quotas.",
        security: [{ adminKey: [] }],
        params: z.object({ user_id: z.uuid() }),
        response: { 200: entitlementSchema },
      },
    },
    async (request) => publicView(await core.entitlements.get(request.params.user_id)),
  );

  typed.post(
    '/v1/entitlements/refresh',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['entitlements'],
        summary:
          'Recompute entitlements from the stored facts (one user, or every user whose access is due to change).',
        security: [{ adminKey: [] }],
        body: z.object({ user_id: z.uuid().optional() }),
      },
    },
    async (request) => {
      if (request.body.user_id) {
        const { view, changed } = await core.entitlements.refresh(request.body.user_id);
        return { refreshed: 1, changed: changed ? 1 : 0, entitlements: publicView(view) };
      }
      const changes = await core.entitlements.sweepDue();
      return { refreshed: changes.length, changed: changes.length };
    },
  );
}
