import { z } from 'zod';

/**
 * Only the fields we read from Stripe's webhook objects, parsed once at the edge. Unknown fields
 * are dropped, so new Stripe fields never break parsing; a missing field we rely on does.
 */

/** A reference to another object: an id in webhooks, the object itself when expanded. */
export const reference = z.union([z.string(), z.object({ id: z.string() }).transform((object) => object.id)]);
export const optionalReference = reference
  .nullable()
  .optional()
  .transform((value) => value ?? null);
export const metadata = z
  .record(z.string(), z.string())
  .nullable()
  .optional()
  .transform((value) => value ?? {});
export const nullableNumber = z
  .number()
  .nullable()
  .optional()
  .transform((value) => value ?? null);
export const nullableString = z
  .string()
  .nullable()
  .optional()
  .transform((value) => value ?? null);

export const stripeEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  /** The API version the payload was rendered in (the endpoint's, or the account default). */
  api_version: nullableString,
  data: z.object({ object: z.unknown() }),
});

export const checkoutSessionSchema = z.object({
  id: z.string(),
  mode: z.string(),
  payment_status: z.string(),
  client_reference_id: nullableString,
  customer: optionalReference,
  subscription: optionalReference,
  payment_intent: optionalReference,
  metadata,
  amount_total: nullableNumber,
  currency: nullableString,
});
export type CheckoutSessionPayload = z.infer<typeof checkoutSessionSchema>;

export const subscriptionReferenceSchema = z.object({
  id: z.string(),
  customer: optionalReference,
  metadata,
});

const period = z.object({ start: z.number().int(), end: z.number().int() });

const invoiceLineSchema = z.object({
  amount: z.number().int(),
  quantity: nullableNumber,
  period: period.nullable().optional(),
  parent: z
    .object({
      type: z.string(),
      subscription_item_details: z
        .object({ proration: z.boolean().optional(), subscription: optionalReference })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  pricing: z
    .object({ price_details: z.object({ price: optionalReference }).nullable().optional() })
    .nullable()
    .optional(),
});
export type InvoiceLinePayload = z.infer<typeof invoiceLineSchema>;

/** What paid an invoice: exactly one of the three links is set, named by `type`. */
const invoicePaymentLinkSchema = z.object({
  type: z.string(),
  payment_intent: optionalReference,
  charge: optionalReference,
  payment_record: optionalReference,
});

export const invoiceSchema = z.object({
  id: z.string(),
  customer: optionalReference,
  currency: z.string(),
  amount_paid: z.number().int(),
  amount_due: z.number().int(),
  created: z.number().int(),
  metadata,
  period_start: nullableNumber,
  period_end: nullableNumber,
  status_transitions: z.object({ paid_at: nullableNumber }).nullable().optional(),
  /** The member's page for this invoice (receipt once paid); shown as is, so only https is kept. */
  hosted_invoice_url: z.string().nullable().optional(),
  /** API versions before 2025-03-31.basil linked the subscription here. */
  subscription: optionalReference,
  parent: z
    .object({
      subscription_details: z.object({ subscription: optionalReference, metadata }).nullable().optional(),
    })
    .nullable()
    .optional(),
  lines: z.object({ data: z.array(invoiceLineSchema) }),
  /** Only present when expanded; webhooks usually leave it out. */
  payments: z
    .object({
      data: z.array(
        z.object({
          status: nullableString,
          payment: invoicePaymentLinkSchema,
        }),
      ),
    })
    .nullable()
    .optional(),
});
export type InvoicePayload = z.infer<typeof invoiceSchema>;

export const chargeSchema = z.object({
  id: z.string(),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  customer: optionalReference,
  payment_intent: optionalReference,
});

export const disputeSchema = z.object({
  id: z.string(),
  created: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  charge: reference,
  payment_intent: optionalReference,
});

export const invoicePaymentSchema = z.object({
  status: nullableString,
  is_default: z.boolean().optional(),
  payment: invoicePaymentLinkSchema,
});
export type InvoicePaymentPayload = z.infer<typeof invoicePaymentSchema>;
