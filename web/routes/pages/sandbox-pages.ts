import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { renderSandboxCheckoutPage, renderSandboxResultPage } from '../../views/sandbox-checkout-page.js';

const checkoutParams = z.object({ checkout_id: z.string().regex(/^sbx_cs_[A-Za-z0-9]+$/) });

/**
 * The sandbox provider's hosted checkout: what Stripe Checkout is for cards, offline.
 * Pay and Decline make the sandbox send signed webhooks to our own inbox.
 */
export async function sandboxPageRoutes(app: FastifyInstance, core: Core) {
  const sandbox = core.sandbox;
  if (!sandbox) return;
  // The forms post no fields; accept their content type without parsing anything.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, {}),
  );
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const page = (reply: { type: (value: string) => unknown }, html: string) => {
    reply.type('text/html; charset=utf-8');
    return html;
  };
  const failurePage = (error: unknown) => {
    if (isAppError(error) && error.status < 500) return renderSandboxResultPage('Checkout unavailable', error.message);
    throw error;
  };

  typed.get(
    '/sandbox/checkout/:checkout_id',
    { schema: { hide: true, params: checkoutParams } },
    async (request, reply) => {
      const checkout = await sandbox.getCheckout(request.params.checkout_id);
      const base = `/sandbox/checkout/${encodeURIComponent(checkout.id)}`;
      return page(
        reply,
        renderSandboxCheckoutPage(checkout, { payAction: `${base}/pay`, declineAction: `${base}/decline` }),
      );
    },
  );

  typed.post(
    '/sandbox/checkout/:checkout_id/pay',
    { schema: { hide: true, params: checkoutParams } },
    async (request, reply) => {
      try {
        await sandbox.payCheckout(request.params.checkout_id);
        return page(
          reply,
          renderSandboxResultPage(
            'Payment complete',
            'Thank you! Your access is being granted; you can close this page.',
          ),
        );
      } catch (error) {
        reply.status(isAppError(error) ? error.status : 500);
        return page(reply, failurePage(error));
      }
    },
  );

  typed.post(
    '/sandbox/checkout/:checkout_id/decline',
    { schema: { hide: true, params: checkoutParams } },
    async (request, reply) => {
      try {
        await sandbox.declineCheckout(request.params.checkout_id);
        return page(
          reply,
          renderSandboxResultPage('Payment declined', 'No money moved. You can start again from the bot.'),
        );
      } catch (error) {
        reply.status(isAppError(error) ? error.status : 500);
        return page(reply, failurePage(error));
      }
    },
  );

  typed.get(
    '/sandbox/portal/:customer_id',
    { schema: { hide: true, params: z.object({ customer_id: z.string().max(64) }) } },
    async (_request, reply) =>
      page(
        reply,
        renderSandboxResultPage(
          'Sandbox billing portal',
          'The sandbox has no card to update. Ask a moderator to renew, fail or refund payments from the admin API.',
        ),
      ),
  );
}
