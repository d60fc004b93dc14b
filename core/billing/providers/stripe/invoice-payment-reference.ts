import type Stripe from 'stripe';
import { callStripe } from './stripe-error.js';
import { type InvoicePaymentPayload, invoicePaymentSchema } from './stripe-payload-schemas.js';

/**
 * Since API 2025-03-31.basil an invoice no longer names what paid it; the link lives in its
 * invoice payments, whose `payment` is one of three kinds (stripe@23 `InvoicePayment.Payment`):
 * - `payment_intent`: the usual card payment. Refunds and disputes point at the PaymentIntent
 *   (Stripe refunds its latest charge), so the PaymentIntent is the reference;
 * - `charge`: a charge made without a PaymentIntent (Stripe only shows it when there is none);
 * - `payment_record`: a payment made outside Stripe and recorded there (`pr_…`), refunded by
 *   reporting the refund on the record.
 * Whichever it is becomes the payment's charge reference: what refunds and disputes target.
 */
export const findInvoicePaymentReference = async (stripe: Stripe, invoiceId: string): Promise<string | null> => {
  const page = await callStripe('invoicePayments.list', () =>
    stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }),
  );
  return pickInvoicePaymentReference(page.data);
};

/** The paid attempt wins over the default one, which wins over any other that names its payment. */
export const pickInvoicePaymentReference = (invoicePayments: readonly unknown[]): string | null => {
  const candidates = invoicePayments.flatMap((invoicePayment) => {
    const parsed = invoicePaymentSchema.safeParse(invoicePayment);
    if (!parsed.success) return [];
    const reference = paymentReference(parsed.data.payment);
    return reference === null ? [] : [{ ...parsed.data, reference }];
  });
  const chosen =
    candidates.find((candidate) => candidate.status === 'paid') ??
    candidates.find((candidate) => candidate.is_default === true) ??
    candidates[0];
  return chosen?.reference ?? null;
};

const paymentReference = (payment: InvoicePaymentPayload['payment']): string | null => {
  switch (payment.type) {
    case 'payment_intent':
      return payment.payment_intent;
    case 'charge':
      return payment.charge;
    case 'payment_record':
      return payment.payment_record;
    default:
      // A kind Stripe added later: name whatever it links, rather than lose the payment.
      return payment.payment_intent ?? payment.charge ?? payment.payment_record;
  }
};
