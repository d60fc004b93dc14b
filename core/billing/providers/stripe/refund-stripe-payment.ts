import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import { findInvoicePaymentIntent } from './invoice-payment-intent.js';
import { callStripe } from './stripe-error.js';

export interface RefundStripePaymentInput {
  providerPaymentId: string;
  chargeReference: string | null;
  /** Null refunds whatever is left. */
  amountMinor: number | null;
  idempotencyKey: string;
}

export const refundStripePayment = async (
  stripe: Stripe,
  input: RefundStripePaymentInput,
): Promise<{ providerRefundId: string }> => {
  const reference = input.chargeReference ?? (await chargeReferenceOf(stripe, input.providerPaymentId));
  if (reference === null) {
    throw new AppError('refund_target_missing', 'This payment has no Stripe charge to refund', {
      status: 409,
      context: { provider: 'stripe', providerPaymentId: input.providerPaymentId },
    });
  }
  // Charges made without a PaymentIntent (legacy charges, `py_` payments) are refunded by charge.
  const target = /^(ch|py)_/.test(reference) ? { charge: reference } : { payment_intent: reference };
  const refund = await callStripe('refunds.create', () =>
    stripe.refunds.create(
      { ...target, ...(input.amountMinor === null ? {} : { amount: input.amountMinor }) },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return { providerRefundId: refund.id };
};

/** Payments recorded before their PaymentIntent was known: an invoice or a one-time checkout. */
const chargeReferenceOf = async (stripe: Stripe, providerPaymentId: string): Promise<string | null> => {
  if (/^(pi|ch|py)_/.test(providerPaymentId)) return providerPaymentId;
  if (providerPaymentId.startsWith('in_')) return findInvoicePaymentIntent(stripe, providerPaymentId);
  if (providerPaymentId.startsWith('cs_')) {
    const session = await callStripe('checkout.sessions.retrieve', () =>
      stripe.checkout.sessions.retrieve(providerPaymentId),
    );
    const paymentIntent = session.payment_intent;
    return typeof paymentIntent === 'string' ? paymentIntent : (paymentIntent?.id ?? null);
  }
  return null;
};
