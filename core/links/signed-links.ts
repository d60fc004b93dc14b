import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CheckoutRequest, CheckoutResult } from '../billing/checkout-service.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../errors.js';
import { type FunnelPlatform, funnelPlatforms } from '../funnel/funnel-events.js';
import type { Clock } from '../ports/clock.js';
import type { PaymentProvider } from '../ports/payment-provider.js';
import { describeDiscount } from '../promotions/discount-terms.js';
import type { PromotionService } from '../promotions/promotion-service.js';
import type { ReferralService } from '../referrals/referral-service.js';
import { type PaymentMethod, paymentMethods, providerForMethod } from './payment-method.js';
import { signToken, tokenEnvelope, verifyToken } from './signed-token.js';

export type CheckoutInterval = 'month' | 'year' | 'one_time';

export interface CheckoutLinkRequest {
  userId: string;
  planId: string;
  method: PaymentMethod;
  interval?: CheckoutInterval | undefined;
  code?: string | undefined;
  /** The bot platform the member asked on; the checkout the link opens is counted there. */
  source?: FunnelPlatform | undefined;
  /** Longer than CHECKOUT_LINK_TTL_MINUTES for links sent ahead of time (crypto renewal reminders). */
  validUntil?: Date | undefined;
}

export interface SignedLink {
  url: string;
  expiresAt: Date;
}

export interface CheckoutLink extends SignedLink {
  /** The promo code the checkout will apply, and what it gives ("20% off your first month"). */
  promotion: { code: string; description: string } | null;
}

/** Short keys keep the token short enough for chat buttons (Discord allows 512 characters). */
const checkoutTokenSchema = tokenEnvelope.extend({
  k: z.literal('checkout'),
  u: z.uuid(),
  p: z.string().min(1).max(40),
  m: z.enum(paymentMethods),
  i: z.enum(['month', 'year', 'one_time']),
  c: z.string().max(64).nullable(),
  /** The code's kind; links signed before promo codes existed carry referral codes only. */
  t: z.enum(['referral', 'promo']).optional(),
  n: z.string(),
  /** Where the link was asked for (the funnel's platform); absent on links signed before it existed. */
  s: z.enum(funnelPlatforms).optional(),
});

const manageTokenSchema = tokenEnvelope.extend({ k: z.literal('manage'), u: z.uuid(), n: z.string() });

/**
 * Personal checkout and billing-portal links. The member is named inside a signed,
 * short-lived token, so whoever opens a forwarded link pays for (or sees the portal of) the
 * member who asked, and nobody can edit a link to pay for, or claim, someone else.
 */
export function createSignedLinks(deps: {
  catalog: CatalogService;
  checkout: { createCheckout(request: CheckoutRequest): Promise<CheckoutResult> };
  subscriptions: { portal(input: { userId: string; returnUrl: string }): Promise<{ url: string; provider: string }> };
  referrals: ReferralService;
  promotions: PromotionService;
  providers: ReadonlyMap<string, PaymentProvider>;
  defaultProvider: string;
  sandboxMode: boolean;
  defaultCurrency: string;
  publicUrl: string;
  secret: Buffer;
  ttlMinutes: number;
  clock: Clock;
}) {
  const { clock } = deps;

  const providerFor = (method: PaymentMethod) =>
    providerForMethod(method, {
      providers: deps.providers,
      defaultProvider: deps.defaultProvider,
      sandboxMode: deps.sandboxMode,
    });

  const expiry = () => Math.floor((clock.now().getTime() + deps.ttlMinutes * 60_000) / 1000);
  const nonce = () => randomBytes(6).toString('base64url');

  /** The checkout service's own rules, checked when the link is made so the member hears it in chat. */
  async function assertPurchasable(planId: string, interval: CheckoutInterval) {
    const plan = await deps.catalog.getPlan(planId);
    if (!plan.active || plan.kind !== 'tier')
      throw badRequest('plan_not_purchasable', `Plan "${plan.id}" cannot be bought.`, { plan_id: plan.id });
    if (plan.contactSales)
      throw badRequest('plan_contact_sales', `${plan.name} is sold by our team; contact us to subscribe.`, {
        plan_id: plan.id,
      });
    const priced = plan.prices.some(
      (price) => price.active && price.interval === interval && price.currency === deps.defaultCurrency,
    );
    if (!priced)
      throw badRequest(
        'price_not_available',
        `Plan "${plan.id}" has no ${interval} price in ${deps.defaultCurrency}.`,
        {
          plan_id: plan.id,
          interval,
        },
      );
    return plan;
  }

  return {
    /**
     * A link to pay for `planId` as `userId`. A code given here is redeemed now (validated,
     * attributed); without one, the member's pending code rides along.
     */
    async checkoutLink(request: CheckoutLinkRequest): Promise<CheckoutLink> {
      const interval = request.interval ?? 'month';
      const plan = await assertPurchasable(request.planId, interval);
      providerFor(request.method);
      const redeemed = request.code?.trim()
        ? await deps.referrals.redeem(request.userId, request.code)
        : await deps.referrals.pendingCode(request.userId);
      // The plan is known now, so the member hears in chat when the promo does not fit it.
      const discount =
        redeemed?.kind === 'promo'
          ? await deps.promotions.discountForCheckout(request.userId, redeemed.code, {
              planId: plan.id,
              currency: deps.defaultCurrency,
            })
          : null;
      const expiresAt = request.validUntil ? Math.floor(request.validUntil.getTime() / 1000) : expiry();
      const token = signToken(
        {
          k: 'checkout',
          u: request.userId,
          p: plan.id,
          m: request.method,
          i: interval,
          c: redeemed?.code ?? null,
          ...(redeemed ? { t: redeemed.kind } : {}),
          ...(request.source ? { s: request.source } : {}),
          e: expiresAt,
          n: nonce(),
        },
        deps.secret,
      );
      return {
        url: `${deps.publicUrl}/c/${token}`,
        expiresAt: new Date(expiresAt * 1000),
        promotion: discount ? { code: discount.code, description: describeDiscount(discount) } : null,
      };
    },

    /** A link to the provider's billing portal for `userId`. */
    async manageLink(userId: string): Promise<SignedLink> {
      const expiresAt = expiry();
      const token = signToken({ k: 'manage', u: userId, e: expiresAt, n: nonce() }, deps.secret);
      return { url: `${deps.publicUrl}/m/${token}`, expiresAt: new Date(expiresAt * 1000) };
    },

    /**
     * GET /c/<token>: opens (or reuses) the checkout for the member named in the token,
     * whoever holds the link, and clears the pending code the checkout now carries.
     */
    async openCheckout(token: string): Promise<{ url: string; userId: string }> {
      const claims = verifyToken(token, deps.secret, checkoutTokenSchema, clock.now());
      const checkout = await deps.checkout.createCheckout({
        userId: claims.u,
        planId: claims.p,
        interval: claims.i,
        provider: providerFor(claims.m),
        ...(claims.c && claims.t === 'promo' ? { promoCode: claims.c } : { referralCode: claims.c ?? undefined }),
        // The chat told the member this instant (CHECKOUT_LINK_TTL_MINUTES from asking): the page says the same.
        expiresAt: new Date(claims.e * 1000),
        source: claims.s,
      });
      if (claims.c) await deps.referrals.clearPendingCode(claims.u, claims.c);
      return { url: checkout.url, userId: claims.u };
    },

    /** GET /m/<token>: the provider's portal for the member in the token. */
    async openManage(token: string): Promise<{ url: string; userId: string }> {
      const claims = verifyToken(token, deps.secret, manageTokenSchema, clock.now());
      const portal = await deps.subscriptions.portal({
        userId: claims.u,
        returnUrl: `${deps.publicUrl}/account/billing`,
      });
      return { url: portal.url, userId: claims.u };
    },
  };
}

export type SignedLinks = ReturnType<typeof createSignedLinks>;
