import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { funnelPlatforms } from '../../../core/funnel/funnel-events.js';
import type { Core } from '../../../core/index.js';
import { edgeId, isStorableText, unstorableTextMessage } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';

const planId = edgeId(40);
const httpUrl = z.url({ protocol: /^https?$/ }).refine(isStorableText, unstorableTextMessage);

/** Checkout and subscription self-service. Server-to-server for now: the admin key. */
export async function billingRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { preHandler: requireAdmin };

  typed.post(
    '/v1/billing/checkout-session',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary: 'Open a checkout for a user and plan; returns the link to pay.',
        security: [{ adminKey: [] }],
        body: z.object({
          user_id: z.uuid(),
          plan_id: planId,
          interval: z.enum(['month', 'year', 'one_time']).optional(),
          provider: z.enum(['stripe', 'sandbox', 'mock']).optional(),
          addons: z
            .array(z.object({ plan_id: planId, quantity: z.number().int().min(1).max(100).default(1) }))
            .max(10)
            .optional(),
          referral_code: edgeId(64).optional(),
          promo_code: edgeId(64).optional(),
          success_url: httpUrl.optional(),
          cancel_url: httpUrl.optional(),
          /** Where the member asked, for the conversion funnel; the web when absent. */
          source: z.enum(funnelPlatforms).optional(),
        }),
        response: {
          200: z.object({
            session_id: z.uuid(),
            url: z.string(),
            provider: z.string(),
            expires_at: z.string(),
            reused: z.boolean(),
          }),
        },
      },
    },
    async (request) =>
      core.checkout.createCheckout({
        userId: request.body.user_id,
        planId: request.body.plan_id,
        interval: request.body.interval,
        provider: request.body.provider,
        addons: request.body.addons?.map((addon) => ({ planId: addon.plan_id, quantity: addon.quantity })),
        referralCode: request.body.referral_code,
        promoCode: request.body.promo_code,
        successUrl: request.body.success_url,
        cancelUrl: request.body.cancel_url,
        source: request.body.source,
      }),
  );

  typed.get(
    '/v1/billing/subscription-status',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary: "A user's current subscription and entitlements.",
        security: [{ adminKey: [] }],
        querystring: z.object({ user_id: z.uuid() }),
      },
    },
    async (request) => core.subscriptions.status(request.query.user_id),
  );

  typed.post(
    '/v1/billing/change-plan',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary: 'Move a subscription to another tier (prorated by default).',
        security: [{ adminKey: [] }],
        body: z.object({ user_id: z.uuid(), plan_id: planId, prorate: z.boolean().default(true) }),
      },
    },
    async (request) =>
      core.subscriptions.changePlan(
        { userId: request.body.user_id, planId: request.body.plan_id, prorate: request.body.prorate },
        adminActor,
      ),
  );

  typed.post(
    '/v1/billing/cancel',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary: 'Cancel a subscription, at period end by default.',
        security: [{ adminKey: [] }],
        body: z.object({ user_id: z.uuid(), at_period_end: z.boolean().default(true) }),
      },
    },
    async (request) =>
      core.subscriptions.cancel({ userId: request.body.user_id, atPeriodEnd: request.body.at_period_end }, adminActor),
  );

  typed.post(
    '/v1/billing/resume',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary:
          'Undo a cancel-at-period-end: the subscription renews again. 409 subscription_not_canceling or subscription_ended when there is nothing to undo.',
        security: [{ adminKey: [] }],
        body: z.object({ user_id: z.uuid() }),
      },
    },
    async (request) => core.subscriptions.resume({ userId: request.body.user_id }, adminActor),
  );

  typed.post(
    '/v1/billing/portal-session',
    {
      ...common,
      schema: {
        tags: ['billing'],
        summary: "A link to the provider's self-service billing portal.",
        security: [{ adminKey: [] }],
        body: z.object({ user_id: z.uuid(), return_url: httpUrl.optional() }),
      },
    },
    async (request) =>
      core.subscriptions.portal({
        userId: request.body.user_id,
        returnUrl: request.body.return_url ?? `${core.config.PUBLIC_URL}/account/billing`,
      }),
  );
}
