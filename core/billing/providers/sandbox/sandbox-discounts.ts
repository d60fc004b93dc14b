import type { CheckoutDiscount } from '../../../ports/payment-provider.js';
import { discountMinor } from '../../../promotions/discount-terms.js';
import { addBillingIntervals } from './sandbox-billing-period.js';
import { type SandboxDiscount, type SandboxLine, sandboxLinesTotal } from './sandbox-objects.js';

export const toSandboxDiscount = (discount: CheckoutDiscount): SandboxDiscount => ({
  coupon: discount.code,
  percent_off: discount.percentOff,
  amount_off_minor: discount.amountOffMinor,
  currency: discount.currency,
  duration: discount.duration,
  duration_in_months: discount.durationInMonths,
});

/**
 * Stripe's coupon durations: `once` covers the first invoice, `forever` every invoice, and
 * `repeating` every invoice whose period starts within the first N months (the first N
 * invoices of a monthly subscription, the first of a yearly one).
 */
export function discountCoversPeriod(
  discount: SandboxDiscount,
  subscription: { billing_cycle_anchor: number; interval: 'month' | 'year' },
  periodNumber: number,
): boolean {
  if (discount.duration === 'forever') return true;
  if (discount.duration === 'once') return periodNumber === 0;
  const periodStart = addBillingIntervals(subscription.billing_cycle_anchor, subscription.interval, periodNumber);
  const discountEnd = addBillingIntervals(subscription.billing_cycle_anchor, 'month', discount.duration_in_months ?? 0);
  return periodStart < discountEnd;
}

/** What one invoice of these lines costs with the discount (when it covers the invoice). */
export function discountedTotal(lines: SandboxLine[], discount: SandboxDiscount | null | undefined, covered: boolean) {
  const subtotal = sandboxLinesTotal(lines);
  const off =
    discount && covered
      ? discountMinor(subtotal, { percentOff: discount.percent_off, amountOffMinor: discount.amount_off_minor })
      : 0;
  return { subtotal, discount: off, total: subtotal - off };
}
