import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Core } from '../../../core/index.js';
import { renderCheckoutCanceledPage, renderCheckoutSuccessPage } from '../../views/checkout-result-pages.js';
import { accountBillingPageRoutes } from './account-billing-pages.js';
import { sendHtml, viewerOf } from './page-replies.js';

/**
 * Where handed-out links land: the provider's success and cancel URLs, and the billing
 * portal's return URL (`/account/billing`, signed in only, in account-billing-pages.ts).
 */
export async function accountPageRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/checkout/success', { schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, renderCheckoutSuccessPage(viewerOf(request, reply), core.config.COMMUNITY_URL)),
  );

  typed.get('/checkout/canceled', { schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, renderCheckoutCanceledPage(viewerOf(request, reply), core.config.COMMUNITY_URL)),
  );

  await accountBillingPageRoutes(app, core);
}
