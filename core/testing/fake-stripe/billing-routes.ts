import { type Handler, list, newestFirst } from './api-handler.js';
import { applyRefund, cancelSubscriptionNow, chargeOf, scheduleCancellation } from './billing-operations.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import type { FakePrice, FakeStripeStore, FakeSubscription } from './fake-stripe-store.js';
import {
  type FormFields,
  formBoolean,
  formFields,
  formInteger,
  formMetadata,
  formRecords,
  formString,
} from './form-encoding.js';
import { buildEvent, changedAttributes } from './stripe-events.js';
import { buildSubscriptionItem, repriceSubscriptionItem } from './subscription-objects.js';

/** Endpoints for what happens after checkout: subscriptions, invoice payments, refunds. */

const prorationBehaviors = new Set(['create_prorations', 'none', 'always_invoice']);

export const updateSubscription: Handler = ({ params, fields, cause }, { store, emit }) => {
  const subscription = store.require('subscription', params['id'] ?? '');
  const before = structuredClone(subscription);
  const prorationBehavior = formString(fields, 'proration_behavior');
  if (prorationBehavior !== undefined && !prorationBehaviors.has(prorationBehavior)) {
    throw invalidRequest(`Invalid proration_behavior: ${prorationBehavior}`, { param: 'proration_behavior' });
  }
  const changesMoreThanMetadata = Object.keys(fields).some((key) => !['metadata', 'expand'].includes(key));
  if (subscription.status === 'canceled' && changesMoreThanMetadata) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  updateSubscriptionItems(store, subscription, formRecords(fields, 'items'));
  const cancelAtPeriodEnd = formBoolean(fields, 'cancel_at_period_end');
  if (cancelAtPeriodEnd !== undefined) scheduleCancellation(store, subscription, cancelAtPeriodEnd);
  // An empty `cancel_at` withdraws a cancellation scheduled for a date (the portal's way).
  if (fields['cancel_at'] === '') scheduleCancellation(store, subscription, false);
  if (fields['metadata'] === '') subscription.metadata = {};
  for (const [key, value] of Object.entries(formMetadata(fields) ?? {})) {
    if (value === '') delete subscription.metadata[key];
    else subscription.metadata[key] = value;
  }
  const previousAttributes = changedAttributes(before, subscription);
  if (Object.keys(previousAttributes).length > 0) {
    emit(buildEvent(store, 'customer.subscription.updated', subscription, { previousAttributes, cause }));
  }
  return subscription;
};

const updateSubscriptionItems = (
  store: FakeStripeStore,
  subscription: FakeSubscription,
  changes: FormFields[],
): void => {
  for (const [index, change] of changes.entries()) {
    const itemId = formString(change, 'id');
    const priceId = formString(change, 'price');
    const price: FakePrice | undefined =
      priceId === undefined ? undefined : store.require('price', priceId, `items[${index}][price]`);
    if (price !== undefined && price.recurring === null) {
      throw invalidRequest(
        'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
        {
          param: `items[${index}][price]`,
        },
      );
    }
    const quantity = formInteger(change, 'quantity');
    if (itemId === undefined) {
      if (price === undefined) throw missingParameter(`items[${index}][price]`);
      const first = subscription.items.data[0];
      subscription.items.data.push(
        buildSubscriptionItem(store, {
          subscription: subscription.id,
          price,
          quantity: quantity ?? 1,
          periodStart: first?.current_period_start ?? store.now(),
          periodEnd: first?.current_period_end ?? store.now(),
        }),
      );
      continue;
    }
    const item = subscription.items.data.find((candidate) => candidate.id === itemId);
    if (item === undefined) {
      throw invalidRequest(`No such subscription item: '${itemId}'`, {
        code: 'resource_missing',
        param: `items[${index}][id]`,
      });
    }
    if (formBoolean(change, 'deleted') === true) {
      subscription.items.data = subscription.items.data.filter((candidate) => candidate.id !== itemId);
      continue;
    }
    repriceSubscriptionItem(item, price ?? item.price, quantity ?? item.quantity);
  }
};

export const cancelSubscription: Handler = ({ params, cause }, { store, emit }) => {
  const subscription = store.require('subscription', params['id'] ?? '');
  if (subscription.status === 'canceled') {
    throw invalidRequest(`This subscription (${subscription.id}) has already been canceled.`);
  }
  cancelSubscriptionNow(store, subscription);
  emit(buildEvent(store, 'customer.subscription.deleted', subscription, { cause }));
  return subscription;
};

export const listInvoicePayments: Handler = ({ fields }, { store }) => {
  const invoice = formString(fields, 'invoice');
  const status = formString(fields, 'status');
  const paymentIntent = formString(formFields(fields, 'payment') ?? {}, 'payment_intent');
  const matching = store
    .all('invoice_payment')
    .filter((invoicePayment) => invoice === undefined || invoicePayment.invoice === invoice)
    .filter((invoicePayment) => status === undefined || invoicePayment.status === status)
    .filter((invoicePayment) => paymentIntent === undefined || invoicePayment.payment.payment_intent === paymentIntent);
  return list('/v1/invoice_payments', newestFirst(matching), formInteger(fields, 'limit'));
};

export const createRefund: Handler = ({ fields, cause }, { store, emit }) => {
  const paymentIntent = formString(fields, 'payment_intent');
  const chargeId = formString(fields, 'charge');
  if (paymentIntent === undefined && chargeId === undefined) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  }
  const charge =
    paymentIntent !== undefined
      ? chargeOf(store, paymentIntent, 'payment_intent')
      : chargeOf(store, chargeId ?? '', 'charge');
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    });
  }
  const before = structuredClone(charge);
  const refund = applyRefund(store, charge, formInteger(fields, 'amount'));
  emit(buildEvent(store, 'charge.refunded', charge, { previousAttributes: changedAttributes(before, charge), cause }));
  return refund;
};
