import type Stripe from 'stripe';
import { callStripe } from './stripe-error.js';
import { invoicePaymentSchema } from './stripe-payload-schemas.js';

/**
 * Since API 2025-03-31.basil an invoice no longer names its PaymentIntent; the link lives in
 * its invoice payments. Refunds and disputes point at the PaymentIntent, so that is what we
 * keep as a payment's charge reference.
 */
export const findInvoicePaymentIntent = async (stripe: Stripe, invoiceId: string): Promise<string | null> => {
  const page = await callStripe('invoicePayments.list', () =>
    stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }),
  );
  return pickPaymentIntent(page.data);
};

/** The paid attempt wins over the default one, which wins over any other that has an intent. */
export const pickPaymentIntent = (invoicePayments: readonly unknown[]): string | null => {
  const candidates = invoicePayments.flatMap((invoicePayment) => {
    const parsed = invoicePaymentSchema.safeParse(invoicePayment);
    return parsed.success && parsed.data.payment.payment_intent !== null ? [parsed.data] : [];
  });
  const chosen =
    candidates.find((candidate) => candidate.status === 'paid') ??
    candidates.find((candidate) => candidate.is_default === true) ??
    candidates[0];
  return chosen?.payment.payment_intent ?? null;
};
