import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import type { RefundOutcome } from '../../../ports/payment-provider.js';
import { findInvoicePaymentReference } from './invoice-payment-reference.js';
import { callStripe } from './stripe-error.js';

export interface RefundStripePaymentInput {
  providerPaymentId: string;
  chargeReference: string | null;
  /** Null refunds whatever is left. */
  amountMinor: number | null;
  idempotencyKey: string;
}

/** Charges made without a PaymentIntent (legacy charges, `py_` payments) are refunded by charge. */
const chargeIdPattern = /^(ch|py)_/;
/** Payments made outside Stripe and recorded there (an invoice paid through a payment record). */
const paymentRecordIdPattern = /^pr_/;

export const refundStripePayment = async (
  stripe: Stripe,
  input: RefundStripePaymentInput,
  now: () => Date,
): Promise<RefundOutcome> => {
  const reference = input.chargeReference ?? (await chargeReferenceOf(stripe, input.providerPaymentId));
  if (reference === null) {
    throw new AppError('refund_target_missing', 'This payment has no Stripe charge to refund', {
      status: 409,
      context: { provider: 'stripe', providerPaymentId: input.providerPaymentId },
    });
  }
  if (paymentRecordIdPattern.test(reference)) return reportPaymentRecordRefund(stripe, reference, input, now);
  const target = chargeIdPattern.test(reference) ? { charge: reference } : { payment_intent: reference };
  const refund = await callStripe('refunds.create', () =>
    stripe.refunds.create(
      { ...target, ...(input.amountMinor === null ? {} : { amount: input.amountMinor }) },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return { providerRefundId: refund.id };
};

/**
 * Money recorded through a payment record moved outside Stripe, so Stripe has nothing to pay
 * back: the refund is made where the payment was and reported on the record (Stripe's
 * `report_refund`), which is how Stripe models it. Our idempotency key is the refund's unique
 * reference, so a retried report names the same refund. Stripe sends no refund webhook for a
 * record, so the record's refunded total it answers with is handed back as settled.
 */
const reportPaymentRecordRefund = async (
  stripe: Stripe,
  paymentRecordId: string,
  input: RefundStripePaymentInput,
  now: () => Date,
): Promise<RefundOutcome> => {
  const reportedAt = Math.floor(now().getTime() / 1000);
  const record =
    input.amountMinor === null
      ? null
      : await callStripe('paymentRecords.retrieve', () => stripe.paymentRecords.retrieve(paymentRecordId));
  const reported = await callStripe('paymentRecords.reportRefund', () =>
    stripe.paymentRecords.reportRefund(
      paymentRecordId,
      {
        outcome: 'refunded',
        processor_details: { type: 'custom', custom: { refund_reference: input.idempotencyKey } },
        refunded: { refunded_at: reportedAt },
        initiated_at: reportedAt,
        ...(record === null || input.amountMinor === null
          ? {}
          : { amount: { currency: record.amount.currency, value: input.amountMinor } }),
      },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return {
    providerRefundId: `${paymentRecordId}/${input.idempotencyKey}`,
    settled: {
      kind: 'refund.updated',
      chargeReference: paymentRecordId,
      providerChargeId: null,
      providerCustomerId: null,
      amountRefundedMinor: reported.amount_refunded.value,
      amountMinor: reported.amount.value,
      currency: reported.amount.currency.toLowerCase(),
      occurredAt: new Date(reportedAt * 1000),
    },
  };
};

/** Payments recorded before their charge reference was known: an invoice or a one-time checkout. */
const chargeReferenceOf = async (stripe: Stripe, providerPaymentId: string): Promise<string | null> => {
  if (/^(pi|ch|py|pr)_/.test(providerPaymentId)) return providerPaymentId;
  if (providerPaymentId.startsWith('in_')) return findInvoicePaymentReference(stripe, providerPaymentId);
  if (providerPaymentId.startsWith('cs_')) {
    const session = await callStripe('checkout.sessions.retrieve', () =>
      stripe.checkout.sessions.retrieve(providerPaymentId),
    );
    const paymentIntent = session.payment_intent;
    return typeof paymentIntent === 'string' ? paymentIntent : (paymentIntent?.id ?? null);
  }
  return null;
};
