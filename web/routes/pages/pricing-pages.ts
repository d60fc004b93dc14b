import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { salesContactSchema } from '../../../core/sales/sales-contact-service.js';
import { html } from '../../views/escape-html.js';
import { renderMessagePage } from '../../views/message-page.js';
import { type PricingInterval, renderPricingPage } from '../../views/pricing-page.js';
import { sendHtml, sendRefusalPage, viewerOf } from './page-replies.js';
import { referralCookieName } from './referral-landing.js';
import { redirectToSignIn } from './sign-in-pages.js';

const pricingQuery = z.object({
  interval: z.enum(['month', 'year']).catch('month').default('month'),
  checkout: z.string().max(20).optional(),
});

const buyBody = z
  .object({
    plan_id: z.string().trim().min(1).max(40),
    interval: z.enum(['month', 'year']).catch('month').default('month'),
    code: z.string().trim().max(64).optional(),
    /** Ticked add-on checkboxes: one value, or several (form bodies repeat the name). */
    addon: z.union([z.string().max(40), z.array(z.string().max(40)).max(20)]).optional(),
  })
  .passthrough();

/** Crypto processors the checkout service can route to (core/links/payment-method.ts). */
const cryptoProviders = ['btcpay', 'bitpay'];

/** Said plainly on the page: only methods that can actually be used here. */
function paymentMethods(core: Core): string[] {
  const methods: string[] = [];
  // Cards go to the default provider (core/links/payment-method.ts): Stripe in stripe mode, else the sandbox.
  if (core.config.BILLING_PROVIDER_MODE === 'stripe' && core.providers.has('stripe')) methods.push('Card');
  else if (core.providers.has('sandbox')) methods.push('Card (sandbox: no real money moves)');
  if (cryptoProviders.some((name) => core.providers.has(name))) methods.push('Crypto');
  return methods.length > 0 ? methods : ['none configured yet'];
}

/**
 * `/` and `/pricing`: the catalog as members see it. `POST /checkout` creates the checkout
 * through the same service the bots use and sends the browser to the provider (303); a
 * signed-out visitor is asked to sign in first and comes back here. `POST /contact-sales`
 * takes Enterprise enquiries.
 */
export async function pricingPageRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  async function showPricing(
    request: FastifyRequest,
    reply: FastifyReply,
    interval: PricingInterval,
    notice?: { kind: 'success' | 'warning'; text: string },
  ) {
    const plans = await core.catalog.listPlans();
    const currentPlanId = request.webMember ? (await core.entitlements.get(request.webMember.userId)).tier : null;
    return sendHtml(
      reply,
      renderPricingPage({
        viewer: viewerOf(request, reply),
        plans,
        interval,
        currency: core.config.DEFAULT_CURRENCY,
        currentPlanId,
        paymentMethods: paymentMethods(core),
        prefilledCode: request.cookies[referralCookieName],
        notice,
      }),
    );
  }

  for (const path of ['/', '/pricing'])
    typed.get(path, { schema: { hide: true, querystring: pricingQuery } }, async (request, reply) => {
      // The web's first funnel stage (a signed-in member counts once a day; never fails the page).
      core.funnel.recordViewInBackground({
        event: 'pricing_viewed',
        platform: 'web',
        userId: request.webMember?.userId,
      });
      return showPricing(
        request,
        reply,
        request.query.interval,
        // Links handed out before the checkout pages existed still say something useful.
        request.query.checkout === 'canceled'
          ? { kind: 'warning', text: 'Checkout canceled: nothing was charged.' }
          : undefined,
      );
    });

  typed.post(
    '/checkout',
    // A form that does not parse (no plan chosen) is answered on a page, not with the API's JSON.
    { schema: { hide: true, body: buyBody }, config: { csrf: true }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError)
        return sendHtml(
          reply,
          renderMessagePage({
            title: 'Choose a plan',
            message: 'Press the buy button of the plan you want.',
            code: 'invalid_request',
            viewer: viewerOf(request, reply),
            extra: html`<p><a href="/pricing">Back to pricing</a></p>`,
          }),
          400,
        );
      const { plan_id: planId, interval, code } = request.body;
      const addons = [request.body.addon ?? []].flat().map((addonId) => ({ planId: addonId, quantity: 1 }));
      const member = request.webMember;
      if (!member) return redirectToSignIn(core, reply, `/pricing?interval=${interval}`);
      try {
        const redeemed = code
          ? await core.referrals.redeem(member.userId, code)
          : await core.referrals.pendingCode(member.userId);
        const checkout = await core.checkout.createCheckout({
          userId: member.userId,
          planId,
          interval,
          addons,
          ...(redeemed?.kind === 'promo' ? { promoCode: redeemed.code } : { referralCode: redeemed?.code }),
          source: 'web',
        });
        if (redeemed) await core.referrals.clearPendingCode(member.userId, redeemed.code);
        return reply.redirect(checkout.url, 303);
      } catch (error) {
        return sendRefusalPage(request, reply, error, 'We could not start this checkout');
      }
    },
  );

  typed.post(
    '/contact-sales',
    {
      schema: { hide: true, body: salesContactSchema.passthrough() },
      config: { csrf: true },
      // A mistyped field is answered on a page, not with the API's JSON.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError)
        return sendHtml(
          reply,
          renderMessagePage({
            title: 'Please check the form',
            message: 'Give your name and a valid email address (and at most 2,000 characters of message).',
            code: 'invalid_request',
            viewer: viewerOf(request, reply),
            extra: html`<p><a href="/pricing#contact-sales">Back to the form</a></p>`,
          }),
          400,
        );
      try {
        await core.salesContacts.submit(request.body, request.webMember?.userId ?? null);
      } catch (error) {
        return sendRefusalPage(request, reply, error, 'We could not send your enquiry');
      }
      return sendHtml(
        reply,
        renderMessagePage({
          title: 'Thank you',
          message: 'Your enquiry reached our team; a moderator will write to you at the address you gave.',
          viewer: viewerOf(request, reply),
          extra: html`<p><a href="/pricing">Back to pricing</a></p>`,
        }),
      );
    },
  );
}
