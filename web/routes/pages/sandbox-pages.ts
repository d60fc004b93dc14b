import type { FastifyInstance, FastifyReply } from 'fastify';
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
  // The forms post no fields; the app-wide form parser (web/page-foundation.ts) reads their empty body.
  const typed = app.withTypeProvider<ZodTypeProvider>();
  /** A page for people: a refusal (a 4xx, e.g. an expired checkout) is a readable page, not JSON. */
  const htmlPage = async (reply: FastifyReply, render: () => Promise<string>) => {
    let html: string;
    try {
      html = await render();
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      reply.status(error.status);
      html = renderSandboxResultPage('Checkout unavailable', error.message);
    }
    return reply.type('text/html; charset=utf-8').send(html);
  };

  typed.get('/sandbox/checkout/:checkout_id', { schema: { hide: true, params: checkoutParams } }, (request, reply) =>
    htmlPage(reply, async () => {
      const checkout = await sandbox.getCheckout(request.params.checkout_id);
      const base = `/sandbox/checkout/${encodeURIComponent(checkout.id)}`;
      return renderSandboxCheckoutPage(checkout, { payAction: `${base}/pay`, declineAction: `${base}/decline` });
    }),
  );

  typed.post(
    '/sandbox/checkout/:checkout_id/pay',
    { schema: { hide: true, params: checkoutParams } },
    (request, reply) =>
      htmlPage(reply, async () => {
        await sandbox.payCheckout(request.params.checkout_id);
        const checkout = await sandbox.getCheckout(request.params.checkout_id);
        return renderSandboxResultPage(
          'Payment complete',
          'Thank you! Your access is being granted; you can close this page.',
          { href: checkout.successUrl, label: 'Back to the shop' },
        );
      }),
  );

  typed.post(
    '/sandbox/checkout/:checkout_id/decline',
    { schema: { hide: true, params: checkoutParams } },
    (request, reply) =>
      htmlPage(reply, async () => {
        await sandbox.declineCheckout(request.params.checkout_id);
        return renderSandboxResultPage('Payment declined', 'No money moved. You can start again from the bot.');
      }),
  );

  typed.get(
    '/sandbox/portal/:customer_id',
    { schema: { hide: true, params: z.object({ customer_id: z.string().max(64) }) } },
    (_request, reply) =>
      htmlPage(reply, async () =>
        renderSandboxResultPage(
          'Sandbox billing portal',
          'The sandbox has no card to update. Ask a moderator to renew, fail or refund payments from the admin API.',
        ),
      ),
  );
}
