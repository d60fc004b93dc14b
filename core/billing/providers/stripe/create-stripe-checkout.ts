import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import type { CheckoutLine, CreateCheckoutInput } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import type { PriceDefinition } from './ensure-stripe-price.js';
import { derivedIdempotencyKey } from './idempotency-keys.js';
import { callStripe } from './stripe-error.js';

export type EnsurePrice = (definition: PriceDefinition, idempotencyKey: string) => Promise<string>;

/**
 * Opens a Stripe Checkout session bound to one of our users. Our user id travels three ways
 * (client_reference_id, session metadata, and the subscription's or payment's metadata), so every
 * later event about what this checkout creates can find its user without trusting anything else.
 */
export const createStripeCheckout = async (
  stripe: Stripe,
  ensurePrice: EnsurePrice,
  input: CreateCheckoutInput,
): Promise<{ providerSessionId: string; url: string; expiresAt: Date }> => {
  if (input.lines.length === 0) {
    throw new AppError('checkout_lines_missing', 'A checkout needs at least one line', {
      status: 400,
      context: { checkoutId: input.checkoutId },
    });
  }
  const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [];
  // One at a time: lines of the same plan share a product, and parallel creates would race for it.
  for (const [index, line] of input.lines.entries()) {
    const price = await priceOf(line, index, ensurePrice, input.idempotencyKey);
    lineItems.push({ price, quantity: line.quantity });
  }
  const metadata = checkoutMetadata(input);
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: input.mode,
    client_reference_id: input.userId,
    line_items: lineItems,
    metadata,
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
    ...customerParams(input),
    ...discountParams(input),
    ...(input.mode === 'subscription' ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
  };
  const session = await callStripe('checkout.sessions.create', () =>
    stripe.checkout.sessions.create(params, { idempotencyKey: input.idempotencyKey }),
  );
  if (session.url === null) {
    throw new AppError('provider_response_invalid', 'Stripe returned a checkout session without a URL', {
      status: 502,
      context: { provider: 'stripe', providerSessionId: session.id },
    });
  }
  return { providerSessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
};

const priceOf = async (
  line: CheckoutLine,
  index: number,
  ensurePrice: EnsurePrice,
  idempotencyKey: string,
): Promise<string> =>
  line.providerPriceId ?? (await ensurePrice(line, derivedIdempotencyKey(idempotencyKey, `price-${index}`)));

/** The tier (first line) is named by default; core's metadata wins, except for who and which checkout. */
const checkoutMetadata = (input: CreateCheckoutInput): Record<string, string> => {
  const [tier] = input.lines;
  return {
    ...(tier === undefined ? {} : { [metadataKeys.planId]: tier.planId, [metadataKeys.planPriceId]: tier.planPriceId }),
    ...input.metadata,
    [metadataKeys.userId]: input.userId,
    [metadataKeys.checkoutId]: input.checkoutId,
  };
};

/** The promo code's coupon (made by ensureDiscount); Stripe then bills the discounted amounts. */
const discountParams = (input: CreateCheckoutInput): Partial<Stripe.Checkout.SessionCreateParams> => {
  if (!input.discount) return {};
  if (!input.discount.providerCouponId) {
    throw new AppError('checkout_discount_unprepared', 'A Stripe checkout discount needs its coupon first', {
      status: 500,
      context: { checkoutId: input.checkoutId, code: input.discount.code },
    });
  }
  return { discounts: [{ coupon: input.discount.providerCouponId }] };
};

const customerParams = (input: CreateCheckoutInput): Partial<Stripe.Checkout.SessionCreateParams> => {
  if (input.providerCustomerId !== null) return { customer: input.providerCustomerId };
  return {
    ...(input.email === null ? {} : { customer_email: input.email }),
    // Subscriptions always get a customer; one-time payments only when asked, and refunds and
    // disputes are easier to trace to a person with one.
    ...(input.mode === 'payment' ? { customer_creation: 'always' as const } : {}),
  };
};
