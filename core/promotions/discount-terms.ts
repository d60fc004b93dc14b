import { formatMoney } from '../formatting.js';
import type { CheckoutDiscount } from '../ports/payment-provider.js';

export type DiscountTerms = Pick<
  CheckoutDiscount,
  'percentOff' | 'amountOffMinor' | 'currency' | 'duration' | 'durationInMonths'
>;

/**
 * What a discount takes off a subtotal, in minor units: a percent rounded to the nearest
 * unit (as Stripe rounds coupon amounts), or a fixed amount never larger than the subtotal.
 */
export function discountMinor(subtotalMinor: number, terms: Pick<DiscountTerms, 'percentOff' | 'amountOffMinor'>) {
  if (subtotalMinor <= 0) return 0;
  if (terms.percentOff !== null) return Math.round((subtotalMinor * terms.percentOff) / 100);
  return Math.min(subtotalMinor, terms.amountOffMinor ?? 0);
}

/** "20% off your first month", "$5.00 off every month", "30% off for 3 months". */
export function describeDiscount(terms: DiscountTerms): string {
  const off =
    terms.percentOff !== null
      ? `${terms.percentOff}% off`
      : `${formatMoney(terms.amountOffMinor ?? 0, terms.currency ?? 'usd')} off`;
  if (terms.duration === 'forever') return `${off} every month`;
  if (terms.duration === 'repeating') {
    const months = terms.durationInMonths ?? 1;
    return `${off} for ${months} ${months === 1 ? 'month' : 'months'}`;
  }
  return `${off} your first month`;
}
