import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { renderAccountBillingPage } from '../../views/account-billing-page.js';
import { renderCheckoutCanceledPage, renderCheckoutSuccessPage } from '../../views/checkout-result-pages.js';
import { sendHtml, viewerOf } from './page-replies.js';
import { redirectToSignIn } from './sign-in-pages.js';

/**
 * Where handed-out links land: the provider's success and cancel URLs, and the billing
 * portal's return URL (`/account/billing`, signed in only).
 */
export async function accountPageRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/checkout/success', { schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, renderCheckoutSuccessPage(viewerOf(request, reply), core.config.COMMUNITY_URL)),
  );

  typed.get('/checkout/canceled', { schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, renderCheckoutCanceledPage(viewerOf(request, reply), core.config.COMMUNITY_URL)),
  );

  typed.get(
    '/account/billing',
    { schema: { hide: true, querystring: z.object({ checkout: z.string().max(20).optional() }) } },
    async (request, reply) => {
      const member = request.webMember;
      if (!member) return redirectToSignIn(core, reply, '/account/billing');
      const view = await core.entitlements.get(member.userId);
      let planName = view.tier;
      try {
        planName = (await core.catalog.getPlan(view.tier)).name;
      } catch (error) {
        // A tier whose plan row is gone still shows its id rather than failing the page.
        if (!isAppError(error) || error.code !== 'plan_not_found') throw error;
      }
      return sendHtml(
        reply,
        renderAccountBillingPage({
          viewer: viewerOf(request, reply),
          planName,
          status: view.status,
          expiresAt: view.expires_at,
          checkoutNotice: request.query.checkout === 'success',
        }),
      );
    },
  );
}
