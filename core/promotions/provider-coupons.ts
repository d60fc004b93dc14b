import type { CheckoutDiscount, PaymentProvider } from '../ports/payment-provider.js';
import type { PromotionService } from './promotion-service.js';

/**
 * The discount as the provider will apply it: with the provider's coupon id, creating the
 * coupon on first use only and remembering it (like provider prices), so later checkouts skip
 * the lookup. Providers that apply discounts themselves (the sandbox) need no coupon.
 */
export async function ensureProviderCoupon(
  promotions: PromotionService,
  provider: PaymentProvider,
  discount: CheckoutDiscount,
  idempotencyPrefix: string,
): Promise<CheckoutDiscount> {
  // The stored id is Stripe's; no other provider may be handed it.
  const known = provider.name === 'stripe' ? discount.providerCouponId : null;
  if (known) return discount;
  if (!provider.ensureDiscount) return { ...discount, providerCouponId: null };
  const couponId = await provider.ensureDiscount(discount, `${idempotencyPrefix}-coupon-${discount.code}`);
  if (couponId && provider.name === 'stripe') await promotions.rememberStripeCoupon(discount.code, couponId);
  return { ...discount, providerCouponId: couponId };
}
