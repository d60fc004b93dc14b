import { z } from 'zod';
import type { CheckoutLine } from '../../../ports/payment-provider.js';

/**
 * The sandbox's "remote" objects, in the snake_case, unix-seconds shape a provider API would
 * use. The same fields are stored in `sandbox_objects.data` and sent inside webhooks (plus
 * `id` and `object`), so there is one shape to read, not two.
 */

const unixSeconds = z.number().int().nonnegative();
const minorAmount = z.number().int().nonnegative();
const currency = z.string().min(3).max(3);
const metadata = z.record(z.string(), z.string());

export const sandboxLineSchema = z.object({
  plan_id: z.string(),
  plan_name: z.string(),
  plan_price_id: z.string(),
  amount_minor: minorAmount,
  currency,
  interval: z.enum(['month', 'year', 'one_time']),
  quantity: z.number().int().positive(),
});

/** A promo code's discount as the sandbox keeps it on a checkout and then on its subscription. */
export const sandboxDiscountSchema = z.object({
  /** Our promo code (the sandbox needs no coupon object of its own). */
  coupon: z.string(),
  percent_off: z.number().int().min(1).max(100).nullable(),
  amount_off_minor: z.number().int().positive().nullable(),
  currency: currency.nullable(),
  duration: z.enum(['once', 'forever', 'repeating']),
  duration_in_months: z.number().int().positive().nullable(),
});

export const sandboxCustomerFields = z.object({
  user_id: z.string(),
  email: z.string().nullable(),
  created: unixSeconds,
});

export const sandboxCheckoutFields = z.object({
  mode: z.enum(['subscription', 'payment']),
  status: z.enum(['open', 'completed', 'declined']),
  user_id: z.string(),
  customer: z.string().nullable(),
  lines: z.array(sandboxLineSchema).min(1),
  /** What the member pays now: the lines less the discount on the first invoice. */
  amount_total: minorAmount,
  /** Absent on checkouts made before discounts existed. */
  amount_discount: minorAmount.optional(),
  discount: sandboxDiscountSchema.nullish(),
  currency,
  metadata,
  success_url: z.string(),
  cancel_url: z.string(),
  idempotency_key: z.string(),
  expires_at: unixSeconds,
  completed_at: unixSeconds.nullable(),
  declined_at: unixSeconds.nullable(),
  subscription: z.string().nullable(),
  /** The one-time payment's id (payment mode only; subscriptions are paid by their first payment). */
  payment: z.string().nullable(),
  created: unixSeconds,
});

export const sandboxSubscriptionFields = z.object({
  status: z.enum(['active', 'past_due', 'canceled']),
  customer: z.string().nullable(),
  lines: z.array(sandboxLineSchema).min(1),
  interval: z.enum(['month', 'year']),
  currency,
  metadata,
  checkout: z.string().nullable(),
  /** Periods are counted from this instant so a 31st stays a 31st after a short month. */
  billing_cycle_anchor: unixSeconds,
  period_number: z.number().int().nonnegative(),
  current_period_start: unixSeconds,
  current_period_end: unixSeconds,
  cancel_at_period_end: z.boolean(),
  canceled_at: unixSeconds.nullable(),
  ended_at: unixSeconds.nullable(),
  latest_payment: z.string().nullable(),
  /** Signed proration owed (positive) or credited (negative), settled on the next period's payment. */
  pending_proration_minor: z.number().int(),
  /** The checkout's discount; which periods it covers follows from its duration and the anchor. */
  discount: sandboxDiscountSchema.nullish(),
  created: unixSeconds,
});

export const sandboxPaymentFields = z.object({
  kind: z.enum(['subscription', 'one_time']),
  status: z.enum(['succeeded', 'failed']),
  customer: z.string().nullable(),
  subscription: z.string().nullable(),
  checkout: z.string().nullable(),
  lines: z.array(sandboxLineSchema).min(1),
  amount_minor: minorAmount,
  currency,
  amount_refunded_minor: minorAmount,
  metadata,
  period_start: unixSeconds.nullable(),
  period_end: unixSeconds.nullable(),
  paid_at: unixSeconds.nullable(),
  failed_at: unixSeconds.nullable(),
  attempt_count: z.number().int().nonnegative(),
  created: unixSeconds,
});

export const sandboxRefundFields = z.object({
  payment: z.string(),
  amount_minor: z.number().int().positive(),
  currency,
  idempotency_key: z.string().nullable(),
  created: unixSeconds,
});

export const sandboxDisputeFields = z.object({
  payment: z.string(),
  customer: z.string().nullable(),
  amount_minor: minorAmount,
  currency,
  status: z.enum(['open', 'won', 'lost']),
  closed_at: unixSeconds.nullable(),
  created: unixSeconds,
});

/** A webhook the sandbox owes: recorded with the state change, delivered after the commit. */
export const sandboxEventFields = z.object({
  type: z.string(),
  /** The exact JSON text delivered; signatures are made over these bytes. */
  body: z.string(),
  created: unixSeconds,
  delivered_at: unixSeconds.nullable(),
  last_delivery_error: z.string().nullable(),
});

export const sandboxFieldSchemas = {
  customer: sandboxCustomerFields,
  checkout: sandboxCheckoutFields,
  subscription: sandboxSubscriptionFields,
  payment: sandboxPaymentFields,
  refund: sandboxRefundFields,
  dispute: sandboxDisputeFields,
  event: sandboxEventFields,
} as const;

export type SandboxObjectKind = keyof typeof sandboxFieldSchemas;
export type SandboxFields<Kind extends SandboxObjectKind> = z.infer<(typeof sandboxFieldSchemas)[Kind]>;
export type SandboxLine = z.infer<typeof sandboxLineSchema>;
export type SandboxDiscount = z.infer<typeof sandboxDiscountSchema>;

const withIdentity = <Kind extends SandboxObjectKind>(kind: Kind) => ({ id: z.string(), object: z.literal(kind) });

// What webhooks carry: the stored fields plus the id and kind. A checkout carries its
// one-time payment expanded, so a payment-mode checkout.completed is complete on its own.
export const sandboxPaymentObject = sandboxPaymentFields.extend(withIdentity('payment'));
export const sandboxCheckoutObject = sandboxCheckoutFields.extend({
  ...withIdentity('checkout'),
  payment: sandboxPaymentObject.nullable(),
});
export const sandboxSubscriptionObject = sandboxSubscriptionFields.extend(withIdentity('subscription'));
export const sandboxDisputeObject = sandboxDisputeFields.extend(withIdentity('dispute'));

export type SandboxPaymentObject = z.infer<typeof sandboxPaymentObject>;

export const sandboxLinesTotal = (lines: SandboxLine[]): number =>
  lines.reduce((total, line) => total + line.amount_minor * line.quantity, 0);

export const toSandboxLine = (line: CheckoutLine): SandboxLine => ({
  plan_id: line.planId,
  plan_name: line.planName,
  plan_price_id: line.planPriceId,
  amount_minor: line.amountMinor,
  currency: line.currency,
  interval: line.interval,
  quantity: line.quantity,
});
