import type { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { NormalizedEvent, PaymentFact, PriceReference } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { disputeOutcome } from './dispute-outcome.js';
import { pickInvoicePaymentReference } from './invoice-payment-reference.js';
import { assertReadableApiVersion } from './stripe-api-version.js';
import {
  type CheckoutSessionPayload,
  chargeSchema,
  checkoutSessionSchema,
  disputeSchema,
  type InvoiceLinePayload,
  type InvoicePayload,
  invoiceSchema,
  stripeEventSchema,
  subscriptionReferenceSchema,
} from './stripe-payload-schemas.js';

/** Links a webhook object does not carry, fetched from Stripe only when needed. */
export interface StripeEventLookups {
  /** What paid an invoice: its PaymentIntent, charge or payment record (none when nothing was charged). */
  paymentReferenceOfInvoice(invoiceId: string): Promise<string | null>;
  /** What a checkout sold, from its line items. */
  lineItemsOfCheckout(sessionId: string): Promise<PriceReference[]>;
}

/** Turns a stored, already verified Stripe event payload into our event. */
export const normalizeStripeEvent = async (payload: string, lookups: StripeEventLookups): Promise<NormalizedEvent> => {
  const event = parsePayload(stripeEventSchema, parseJson(payload), 'event');
  assertReadableApiVersion(event);
  const occurredAt = fromUnixSeconds(event.created);
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutCompleted(parsePayload(checkoutSessionSchema, object, event.type), occurredAt, lookups);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = parsePayload(subscriptionReferenceSchema, object, event.type);
      return {
        kind: 'subscription.changed',
        providerSubscriptionId: subscription.id,
        userId: subscription.metadata[metadataKeys.userId] ?? null,
        providerCustomerId: subscription.customer,
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return invoicePaid(parsePayload(invoiceSchema, object, event.type), occurredAt, lookups);
    case 'invoice.payment_failed':
      return invoiceFailed(parsePayload(invoiceSchema, object, event.type), occurredAt);
    case 'charge.refunded': {
      const charge = parsePayload(chargeSchema, object, event.type);
      return {
        kind: 'refund.updated',
        chargeReference: charge.payment_intent ?? charge.id,
        providerChargeId: charge.id,
        providerCustomerId: charge.customer,
        amountRefundedMinor: charge.amount_refunded,
        amountMinor: charge.amount,
        currency: charge.currency.toLowerCase(),
        occurredAt,
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed': {
      const dispute = parsePayload(disputeSchema, object, event.type);
      return {
        kind: 'dispute.updated',
        providerDisputeId: dispute.id,
        chargeReference: dispute.payment_intent ?? dispute.charge,
        providerChargeId: dispute.charge,
        status: disputeOutcome(dispute.status),
        amountMinor: dispute.amount,
        currency: dispute.currency.toLowerCase(),
        occurredAt,
        openedAt: fromUnixSeconds(dispute.created),
      };
    }
    default:
      return { kind: 'ignore', reason: `Stripe event type ${event.type} is not handled` };
  }
};

const checkoutCompleted = async (
  session: CheckoutSessionPayload,
  occurredAt: Date,
  lookups: StripeEventLookups,
): Promise<NormalizedEvent> => {
  const userId = session.client_reference_id ?? session.metadata[metadataKeys.userId] ?? null;
  return {
    kind: 'checkout.completed',
    providerSessionId: session.id,
    checkoutId: session.metadata[metadataKeys.checkoutId] ?? null,
    userId,
    providerCustomerId: session.customer,
    providerSubscriptionId: session.subscription,
    payment: await oneTimePayment(session, userId, occurredAt, lookups),
  };
};

/**
 * A one-time checkout is its own payment. Subscription checkouts are paid by their first
 * invoice (invoice.paid), and `unpaid` sessions (delayed payment methods) have not paid yet.
 */
const oneTimePayment = async (
  session: CheckoutSessionPayload,
  userId: string | null,
  occurredAt: Date,
  lookups: StripeEventLookups,
): Promise<PaymentFact | null> => {
  const settled = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  if (session.mode !== 'payment' || !settled) return null;
  if (session.amount_total === null || session.currency === null) {
    throw payloadInvalid('checkout.session.completed', 'a paid session has no amount or currency');
  }
  return {
    providerPaymentId: session.payment_intent ?? session.id,
    chargeReference: session.payment_intent,
    kind: 'one_time',
    userId,
    providerCustomerId: session.customer,
    providerSubscriptionId: null,
    items: tierFirst(await checkoutItems(session, lookups), session.metadata[metadataKeys.planPriceId] ?? null),
    amountMinor: session.amount_total,
    currency: session.currency.toLowerCase(),
    paidAt: occurredAt,
    periodStart: null,
    periodEnd: null,
  };
};

const checkoutItems = async (session: CheckoutSessionPayload, lookups: StripeEventLookups) => {
  const planPriceId = session.metadata[metadataKeys.planPriceId] ?? null;
  const listed = await lookups.lineItemsOfCheckout(session.id);
  if (listed.length === 0) {
    return planPriceId === null ? [] : [{ planPriceId, providerPriceId: null, quantity: 1 }];
  }
  // A single line is the plan our checkout metadata names, even if its price carries no metadata.
  const [only] = listed;
  if (listed.length === 1 && only !== undefined && only.planPriceId === null) return [{ ...only, planPriceId }];
  return listed;
};

const tierFirst = (items: PriceReference[], tierPlanPriceId: string | null): PriceReference[] =>
  tierPlanPriceId === null
    ? items
    : [...items].sort(
        (left, right) => Number(right.planPriceId === tierPlanPriceId) - Number(left.planPriceId === tierPlanPriceId),
      );

const invoicePaid = async (
  invoice: InvoicePayload,
  occurredAt: Date,
  lookups: StripeEventLookups,
): Promise<NormalizedEvent> => {
  const subscriptionId = invoiceSubscription(invoice);
  // We only sell through subscriptions and one-time checkouts (without invoices); any other
  // invoice was made by hand in the dashboard and buys nothing here.
  if (subscriptionId === null) return { kind: 'ignore', reason: 'invoice does not belong to a subscription' };
  const billedLine = invoice.lines.data.find(isRegularSubscriptionLine);
  const paidAt = invoice.status_transitions?.paid_at;
  return {
    kind: 'payment.succeeded',
    payment: {
      providerPaymentId: invoice.id,
      chargeReference: await invoiceChargeReference(invoice, lookups),
      kind: 'subscription',
      userId: invoiceUserId(invoice),
      providerCustomerId: invoice.customer,
      providerSubscriptionId: subscriptionId,
      items: invoiceItems(invoice.lines.data),
      // A zero-amount invoice (trial start, full credit) still renews access.
      amountMinor: invoice.amount_paid,
      currency: invoice.currency.toLowerCase(),
      paidAt: typeof paidAt === 'number' ? fromUnixSeconds(paidAt) : occurredAt,
      // Invoice-level periods describe the previous period for subscription invoices; the line says what was bought.
      periodStart: optionalDate(billedLine?.period?.start ?? invoice.period_start),
      periodEnd: optionalDate(billedLine?.period?.end ?? invoice.period_end),
      receiptUrl: httpsUrl(invoice.hosted_invoice_url),
    },
  };
};

/** A link we put in a member's page: only a well-formed https URL, anything else is left out. */
const httpsUrl = (value: string | null | undefined): string | null => {
  if (!value) return null;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
};

const invoiceFailed = (invoice: InvoicePayload, occurredAt: Date): NormalizedEvent => ({
  kind: 'payment.failed',
  providerPaymentId: invoice.id,
  providerSubscriptionId: invoiceSubscription(invoice),
  providerCustomerId: invoice.customer,
  userId: invoiceUserId(invoice),
  amountMinor: invoice.amount_due,
  currency: invoice.currency.toLowerCase(),
  occurredAt,
});

const invoiceSubscription = (invoice: InvoicePayload): string | null =>
  invoice.parent?.subscription_details?.subscription ??
  invoice.subscription ??
  invoice.lines.data.find((line) => line.parent?.subscription_item_details?.subscription)?.parent
    ?.subscription_item_details?.subscription ??
  null;

const invoiceUserId = (invoice: InvoicePayload): string | null =>
  invoice.parent?.subscription_details?.metadata[metadataKeys.userId] ?? invoice.metadata[metadataKeys.userId] ?? null;

const invoiceChargeReference = async (invoice: InvoicePayload, lookups: StripeEventLookups) => {
  const embedded = pickInvoicePaymentReference(invoice.payments?.data ?? []);
  if (embedded !== null) return embedded;
  // Nothing was charged, so there is no payment to look for.
  if (invoice.amount_paid === 0) return null;
  return lookups.paymentReferenceOfInvoice(invoice.id);
};

const isRegularSubscriptionLine = (line: InvoiceLinePayload): boolean =>
  line.parent?.type === 'subscription_item_details' && line.parent.subscription_item_details?.proration !== true;

/**
 * The prices this invoice paid for. Proration lines are credits and debits for a plan change,
 * not purchases, so they only count when the invoice has nothing else (a mid-period upgrade).
 */
const invoiceItems = (lines: readonly InvoiceLinePayload[]): PriceReference[] => {
  const priced = lines.filter((line) => line.pricing?.price_details?.price);
  const regular = priced.filter((line) => line.parent?.subscription_item_details?.proration !== true);
  const chosen = regular.length > 0 ? regular : priced.filter((line) => line.amount > 0);
  return chosen.map((line) => ({
    planPriceId: null,
    providerPriceId: line.pricing?.price_details?.price ?? null,
    quantity: line.quantity ?? 1,
  }));
};

const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);
const optionalDate = (seconds: number | null | undefined): Date | null =>
  typeof seconds === 'number' ? fromUnixSeconds(seconds) : null;

const parseJson = (payload: string): unknown => {
  try {
    return JSON.parse(payload);
  } catch (error) {
    throw payloadInvalid('event', 'payload is not JSON', error);
  }
};

const parsePayload = <Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw payloadInvalid(what, issues.join('; '), parsed.error);
};

const payloadInvalid = (what: string, detail: string, cause?: unknown): AppError =>
  new AppError('webhook_payload_invalid', `Stripe ${what} payload is invalid: ${detail}`, {
    status: 400,
    retryable: false,
    context: { provider: 'stripe', object: what },
    cause,
  });
