import { discountCoversInvoice } from './coupon-objects.js';
import { invalidRequest } from './fake-stripe-error.js';
import type {
  FakeCharge,
  FakeInvoice,
  FakePaymentIntent,
  FakeStripeStore,
  FakeSubscription,
  Metadata,
} from './fake-stripe-store.js';
import { buildCharge, buildPaymentIntent, buildRefund } from './payment-objects.js';
import { buildInvoicePayment, buildSubscriptionInvoice } from './subscription-objects.js';

/** State changes shared by the API routes and the simulated customer actions. */

export const addInterval = (seconds: number, interval: string, count: number): number => {
  const date = new Date(seconds * 1000);
  if (interval === 'day') date.setUTCDate(date.getUTCDate() + count);
  else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + count);
  else date.setUTCMonth(date.getUTCMonth() + count);
  return Math.floor(date.getTime() / 1000);
};

/** A PaymentIntent that either succeeds with one charge or is declined (no money moves). */
export const collectPayment = (
  store: FakeStripeStore,
  fields: { amount: number; currency: string; customer: string | null; metadata: Metadata; description: string | null },
  succeed: boolean,
): { paymentIntent: FakePaymentIntent; charge: FakeCharge | null } => {
  const paymentIntent = store.put('payment_intent', buildPaymentIntent(store, fields));
  if (!succeed) {
    paymentIntent['last_payment_error'] = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    };
    return { paymentIntent, charge: null };
  }
  return { paymentIntent, charge: succeedPayment(store, paymentIntent) };
};

/** The PaymentIntent's (next) attempt goes through: one charge for the full amount. */
export const succeedPayment = (store: FakeStripeStore, paymentIntent: FakePaymentIntent): FakeCharge => {
  const charge = store.put('charge', buildCharge(store, paymentIntent));
  paymentIntent.status = 'succeeded';
  paymentIntent['amount_received'] = paymentIntent.amount;
  paymentIntent['last_payment_error'] = null;
  paymentIntent.latest_charge = charge.id;
  return charge;
};

/** Bills the subscription's current period: an invoice, its payment attempt and the link between them. */
export const billSubscription = (
  store: FakeStripeStore,
  subscription: FakeSubscription,
  fields: { billingReason: string; succeed: boolean; previousPeriodStart?: number },
): { invoice: FakeInvoice; paymentIntent: FakePaymentIntent; charge: FakeCharge | null } => {
  const discount = store.subscriptionDiscounts.get(subscription.id);
  const coupon = discount === undefined ? undefined : store.find('coupon', discount.coupon);
  const covered =
    discount !== undefined &&
    coupon !== undefined &&
    discountCoversInvoice(coupon, discount, {
      billingReason: fields.billingReason,
      periodStart: subscription.items.data[0]?.current_period_start ?? store.now(),
    });
  const invoice = store.put(
    'invoice',
    buildSubscriptionInvoice(store, subscription, {
      billingReason: fields.billingReason,
      paid: fields.succeed,
      ...(covered ? { discount: { id: discount.id, coupon } } : {}),
      ...(fields.previousPeriodStart === undefined ? {} : { previousPeriodStart: fields.previousPeriodStart }),
    }),
  );
  const { paymentIntent, charge } = collectPayment(
    store,
    {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: subscription.customer,
      metadata: {},
      description: fields.billingReason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
    },
    fields.succeed,
  );
  store.put('invoice_payment', buildInvoicePayment(store, invoice, paymentIntent));
  subscription.latest_invoice = invoice.id;
  return { invoice, paymentIntent, charge };
};

/** Moves every item one billing interval forward; returns where the old period started. */
export const advancePeriod = (subscription: FakeSubscription): number => {
  const previousStart = subscription.items.data[0]?.current_period_start ?? 0;
  for (const item of subscription.items.data) {
    const interval = item.price.recurring;
    item.current_period_start = item.current_period_end;
    item.current_period_end = addInterval(
      item.current_period_end,
      interval?.interval ?? 'month',
      interval?.interval_count ?? 1,
    );
  }
  return previousStart;
};

/** The charge behind a PaymentIntent or charge id. */
export const chargeOf = (store: FakeStripeStore, paymentIntentOrChargeId: string, param?: string): FakeCharge => {
  if (!paymentIntentOrChargeId.startsWith('pi_')) return store.require('charge', paymentIntentOrChargeId, param);
  const paymentIntent = store.require('payment_intent', paymentIntentOrChargeId, param);
  if (paymentIntent.latest_charge === null || paymentIntent.status !== 'succeeded') {
    throw invalidRequest(`This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`, {
      code: 'charge_not_refundable',
      param,
    });
  }
  return store.require('charge', paymentIntent.latest_charge);
};

/** Refunds part or all of what is left on a charge; the charge's refunded total only grows. */
export const applyRefund = (store: FakeStripeStore, charge: FakeCharge, amount: number | undefined) => {
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const refunded = amount ?? remaining;
  if (refunded <= 0 || refunded > remaining) {
    throw invalidRequest(`Refund amount (${refunded}) is greater than unrefunded amount on charge (${remaining})`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  const refund = store.put('refund', buildRefund(store, charge, refunded));
  charge.amount_refunded += refunded;
  charge.refunded = charge.amount_refunded === charge.amount;
  return refund;
};

export const cancelSubscriptionNow = (store: FakeStripeStore, subscription: FakeSubscription): void => {
  const now = store.now();
  subscription.status = 'canceled';
  subscription.canceled_at = subscription.canceled_at ?? now;
  subscription.ended_at = now;
  subscription.cancel_at_period_end = false;
};

/** Schedules (or withdraws) the end of a subscription at the end of its current period. */
export const scheduleCancellation = (store: FakeStripeStore, subscription: FakeSubscription, atPeriodEnd: boolean) => {
  subscription.cancel_at_period_end = atPeriodEnd;
  subscription.cancel_at = atPeriodEnd ? (subscription.items.data[0]?.current_period_end ?? null) : null;
  subscription.canceled_at = atPeriodEnd ? store.now() : null;
  subscription['cancellation_details'] = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: atPeriodEnd ? 'cancellation_requested' : null,
  };
};
