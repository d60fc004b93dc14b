import { addInterval } from './billing-operations.js';
import type { FakeCoupon, FakeStripeStore, Metadata, SubscriptionDiscount } from './fake-stripe-store.js';

/**
 * Coupons and what they take off. No published fixture exists for coupons; the shape follows
 * the API reference. Amounts follow Stripe's rules: a percent of the subtotal rounded to the
 * nearest unit, or a fixed amount never larger than the subtotal.
 */

export const buildCoupon = (
  store: FakeStripeStore,
  fields: {
    id: string | undefined;
    name: string | null;
    percent_off: number | null;
    amount_off: number | null;
    currency: string | null;
    duration: FakeCoupon['duration'];
    duration_in_months: number | null;
    max_redemptions: number | null;
    metadata: Metadata;
  },
): FakeCoupon => ({
  object: 'coupon',
  applies_to: null,
  created: store.now(),
  livemode: false,
  redeem_by: null,
  times_redeemed: 0,
  valid: true,
  ...fields,
  id: fields.id ?? store.newId('coupon', 8).slice(7),
});

export const couponAmountOff = (coupon: FakeCoupon, subtotal: number): number => {
  if (subtotal <= 0) return 0;
  if (coupon.percent_off !== null) return Math.round((subtotal * coupon.percent_off) / 100);
  return Math.min(subtotal, coupon.amount_off ?? 0);
};

/** Whether an invoice of a subscription gets the discount: once, forever, or within its months. */
export const discountCoversInvoice = (
  coupon: FakeCoupon,
  discount: SubscriptionDiscount,
  invoice: { billingReason: string; periodStart: number },
): boolean => {
  if (coupon.duration === 'forever') return true;
  if (coupon.duration === 'once') return invoice.billingReason === 'subscription_create';
  return invoice.periodStart < addInterval(discount.start, 'month', coupon.duration_in_months ?? 0);
};

/** A discount object as Stripe shows it on a subscription. */
export const discountObject = (store: FakeStripeStore, discount: SubscriptionDiscount, subscription: string) => ({
  id: discount.id,
  object: 'discount',
  checkout_session: null,
  coupon: store.find('coupon', discount.coupon) ?? null,
  customer: store.find('subscription', subscription)?.customer ?? null,
  end: null,
  invoice: null,
  invoice_item: null,
  promotion_code: null,
  start: discount.start,
  subscription,
});
