import Stripe from 'stripe';
import type { CheckoutDiscount } from '../../../ports/payment-provider.js';
import { isResourceMissing, toProviderError } from './stripe-error.js';

/** Our promo code's coupon at Stripe, with an id we choose so it is found without a search. */
export const stripeCouponId = (idempotencyPrefix: string, code: string): string => `${idempotencyPrefix}_${code}`;

/**
 * Returns the Stripe coupon for one of our promo codes, creating it the first time. Safe to
 * repeat: the id derived from the code finds what an earlier call created. Promotions are never
 * edited (only disabled), so an existing coupon with our id is the right one. Its
 * max_redemptions makes Stripe enforce the limit on card payments, even across checkouts
 * opened at the same moment.
 */
export const ensureStripeCoupon = async (
  stripe: Stripe,
  idempotencyPrefix: string,
  discount: CheckoutDiscount,
  idempotencyKey: string,
): Promise<string> => {
  const id = stripeCouponId(idempotencyPrefix, discount.code);
  try {
    return (await stripe.coupons.retrieve(id)).id;
  } catch (error) {
    if (!isResourceMissing(error)) throw toProviderError(error, 'coupons.retrieve');
  }
  const params: Stripe.CouponCreateParams = {
    id,
    name: discount.code,
    duration: discount.duration,
    ...(discount.duration === 'repeating' ? { duration_in_months: discount.durationInMonths ?? 1 } : {}),
    ...(discount.percentOff !== null
      ? { percent_off: discount.percentOff }
      : { amount_off: discount.amountOffMinor ?? 0, currency: (discount.currency ?? 'usd').toLowerCase() }),
    ...(discount.maxRedemptions === null ? {} : { max_redemptions: discount.maxRedemptions }),
    metadata: { promo_code: discount.code },
  };
  try {
    return (await stripe.coupons.create(params, { idempotencyKey })).id;
  } catch (error) {
    // A concurrent checkout with the same code created it between our read and our write.
    if (error instanceof Stripe.errors.StripeError && error.code === 'resource_already_exists') return id;
    throw toProviderError(error, 'coupons.create');
  }
};
