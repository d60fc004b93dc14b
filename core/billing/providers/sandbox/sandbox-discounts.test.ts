import { describe, expect, it } from 'vitest';
import { discountCoversPeriod, discountedTotal } from './sandbox-discounts.js';
import type { SandboxDiscount, SandboxLine } from './sandbox-objects.js';

const anchor = Math.floor(Date.UTC(2026, 0, 31, 12) / 1000);
type Billing = { billing_cycle_anchor: number; interval: 'month' | 'year' };
const monthly: Billing = { billing_cycle_anchor: anchor, interval: 'month' };
const yearly: Billing = { billing_cycle_anchor: anchor, interval: 'year' };
const discount = (overrides: Partial<SandboxDiscount>): SandboxDiscount => ({
  coupon: 'CODE',
  percent_off: 20,
  amount_off_minor: null,
  currency: null,
  duration: 'once',
  duration_in_months: null,
  ...overrides,
});
const covered = (terms: SandboxDiscount, subscription = monthly) =>
  [0, 1, 2, 3, 4].map((period) => discountCoversPeriod(terms, subscription, period));

describe('which sandbox invoices a discount covers (Stripe coupon durations)', () => {
  it('once covers the first invoice only, forever covers all', () => {
    expect(covered(discount({ duration: 'once' }))).toEqual([true, false, false, false, false]);
    expect(covered(discount({ duration: 'forever' }))).toEqual([true, true, true, true, true]);
  });

  it('repeating 3 covers the first three monthly invoices, even across short months', () => {
    expect(covered(discount({ duration: 'repeating', duration_in_months: 3 }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('repeating 3 covers only the first invoice of a yearly subscription', () => {
    expect(covered(discount({ duration: 'repeating', duration_in_months: 3 }), yearly)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('the discounted total is the lines less the discount, only when covered', () => {
    const lines: SandboxLine[] = [
      {
        plan_id: 'pro',
        plan_name: 'Pro',
        plan_price_id: 'pro_month',
        amount_minor: 4900,
        currency: 'usd',
        interval: 'month',
        quantity: 1,
      },
      {
        plan_id: 'seat',
        plan_name: 'Seat',
        plan_price_id: 'seat_month',
        amount_minor: 500,
        currency: 'usd',
        interval: 'month',
        quantity: 2,
      },
    ];
    expect(discountedTotal(lines, discount({}), true)).toEqual({ subtotal: 5900, discount: 1180, total: 4720 });
    expect(discountedTotal(lines, discount({}), false)).toEqual({ subtotal: 5900, discount: 0, total: 5900 });
    expect(discountedTotal(lines, null, true).total).toBe(5900);
  });
});
