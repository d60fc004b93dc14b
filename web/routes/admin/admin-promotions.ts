import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { createPromotionSchema, promotionViewSchema } from '../../../core/promotions/promotion-schemas.js';
import { edgeId } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';

/** Promo codes are data: moderators list, create and disable them (never delete: redemptions point at them). */
export async function adminPromotionRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ adminKey: [] }];

  typed.get(
    '/admin/promotions',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Every promo code, newest first, with how many members used it.',
        security,
        response: { 200: z.object({ promotions: z.array(promotionViewSchema) }) },
      },
    },
    async () => ({ promotions: await core.promotions.list() }),
  );

  typed.post(
    '/admin/promotions',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary:
          'Create a promo code: percent_off or amount_off_minor, for once, forever or repeating months. 409 code_taken when a referral or promo code already has it.',
        security,
        body: createPromotionSchema,
        response: { 201: promotionViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await core.promotions.create(request.body, adminActor)),
  );

  typed.delete(
    '/admin/promotions/:code',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'Disable a promo code: nobody can redeem it afterwards; the row and its redemptions stay.',
        security,
        params: z.object({ code: edgeId(64) }),
        response: { 200: promotionViewSchema },
      },
    },
    async (request) => core.promotions.disable(request.params.code, adminActor),
  );
}
