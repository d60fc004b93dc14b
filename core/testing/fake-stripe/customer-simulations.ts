import {
  addInterval,
  advancePeriod,
  applyRefund,
  billSubscription,
  cancelSubscriptionNow,
  chargeOf,
  collectPayment,
  scheduleCancellation,
  succeedPayment,
} from './billing-operations.js';
import { buildCustomer } from './catalog-objects.js';
import { discountObject } from './coupon-objects.js';
import type { FakeCheckoutSession, FakeCustomer, FakeStripeStore } from './fake-stripe-store.js';
import { buildDispute } from './payment-objects.js';
import { buildEvent, changedAttributes, type StripeEvent } from './stripe-events.js';
import { buildSubscription, buildSubscriptionItem } from './subscription-objects.js';

/**
 * What happens at Stripe without our API calls (a member pays, a renewal charges, a bank opens a
 * dispute), each returning the events Stripe would send about it, in the order the tests feed them.
 * Misuse (completing a session twice) throws a plain Error: it is a broken test, not a Stripe error.
 */
export const createCustomerSimulations = (store: FakeStripeStore) => {
  const subscriptionOf = (subscriptionId: string) => {
    const subscription = store.require('subscription', subscriptionId);
    if (subscription.status === 'canceled') throw new Error(`subscription ${subscriptionId} has ended`);
    return subscription;
  };

  return {
    /**
     * The member pays on the hosted page. Subscription mode: customer, subscription (metadata
     * from subscription_data), a paid first invoice and its charge. Payment mode: a PaymentIntent
     * (metadata from payment_intent_data) and its charge.
     */
    completeCheckout(sessionId: string): StripeEvent[] {
      const session = store.require('checkout.session', sessionId);
      if (session.status !== 'open') throw new Error(`checkout session ${sessionId} is ${session.status}, not open`);
      const extras = store.checkoutExtras.get(session.id);
      if (extras === undefined) throw new Error(`checkout session ${sessionId} has no line items`);
      const customer = checkoutCustomer(store, session);
      session.customer = customer?.id ?? null;
      session.status = 'complete';
      session.payment_status = 'paid';
      session['url'] = null;
      const coupon = extras.coupon === undefined ? undefined : store.require('coupon', extras.coupon);
      if (coupon !== undefined) coupon.times_redeemed += 1;
      session['customer_details'] = {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email: customer?.email ?? session.customer_email,
        name: customer?.name ?? null,
        phone: null,
        tax_exempt: 'none',
        tax_ids: null,
        business_name: null,
        individual_name: null,
      };
      if (session.mode === 'payment') {
        const { paymentIntent } = collectPayment(
          store,
          {
            amount: session.amount_total ?? 0,
            currency: session.currency ?? 'usd',
            customer: session.customer,
            metadata: { ...extras.paymentIntentMetadata },
            description: null,
          },
          true,
        );
        session.payment_intent = paymentIntent.id;
        return [buildEvent(store, 'checkout.session.completed', session)];
      }
      if (session.mode !== 'subscription' || customer === undefined) {
        throw new Error(`the fake does not complete ${session.mode} checkouts`);
      }
      const subscription = buildSubscription(store, {
        customer: customer.id,
        currency: session.currency ?? 'usd',
        metadata: extras.subscriptionMetadata,
      });
      const now = store.now();
      for (const lineItem of extras.lineItems) {
        const price = store.find('price', lineItem.price.id) ?? lineItem.price;
        subscription.items.data.push(
          buildSubscriptionItem(store, {
            subscription: subscription.id,
            price,
            quantity: lineItem.quantity,
            periodStart: now,
            periodEnd: addInterval(now, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1),
          }),
        );
      }
      if (coupon !== undefined) {
        const discount = { id: store.newId('di'), coupon: coupon.id, start: now };
        store.subscriptionDiscounts.set(subscription.id, discount);
        subscription['discounts'] = [discount.id];
        subscription['discount'] = { ...discountObject(store, discount, subscription.id), customer: customer.id };
      }
      store.put('subscription', subscription);
      const { invoice } = billSubscription(store, subscription, {
        billingReason: 'subscription_create',
        succeed: true,
      });
      subscription.status = 'active';
      session.subscription = subscription.id;
      session.invoice = invoice.id;
      return [
        buildEvent(store, 'checkout.session.completed', session),
        buildEvent(store, 'customer.subscription.created', subscription),
        buildEvent(store, 'invoice.paid', invoice),
        buildEvent(store, 'invoice.payment_succeeded', invoice),
      ];
    },

    /** The next period is billed and paid. */
    renewSubscription(subscriptionId: string): StripeEvent[] {
      const subscription = subscriptionOf(subscriptionId);
      if (subscription.cancel_at_period_end) {
        throw new Error(`subscription ${subscriptionId} cancels at period end; use endSubscription`);
      }
      const before = structuredClone(subscription);
      const previousPeriodStart = advancePeriod(subscription);
      const { invoice } = billSubscription(store, subscription, {
        billingReason: 'subscription_cycle',
        succeed: true,
        previousPeriodStart,
      });
      subscription.status = 'active';
      return [
        buildEvent(store, 'invoice.paid', invoice),
        buildEvent(store, 'customer.subscription.updated', subscription, {
          previousAttributes: changedAttributes(before, subscription),
        }),
      ];
    },

    /** The next period is billed and the card is declined: the subscription goes past_due. */
    failRenewal(subscriptionId: string): StripeEvent[] {
      const subscription = subscriptionOf(subscriptionId);
      const before = structuredClone(subscription);
      const previousPeriodStart = advancePeriod(subscription);
      const { invoice } = billSubscription(store, subscription, {
        billingReason: 'subscription_cycle',
        succeed: false,
        previousPeriodStart,
      });
      subscription.status = 'past_due';
      return [
        buildEvent(store, 'invoice.payment_failed', invoice),
        buildEvent(store, 'customer.subscription.updated', subscription, {
          previousAttributes: changedAttributes(before, subscription),
        }),
      ];
    },

    /** A retry of the open invoice succeeds (a past_due subscription recovers). */
    recoverPayment(subscriptionId: string): StripeEvent[] {
      const subscription = subscriptionOf(subscriptionId);
      const invoice = store.require('invoice', subscription.latest_invoice ?? '');
      if (invoice.status !== 'open') throw new Error(`invoice ${invoice.id} is ${invoice.status}, not open`);
      const invoicePayment = store.all('invoice_payment').find((candidate) => candidate.invoice === invoice.id);
      const paymentIntent = store.require('payment_intent', invoicePayment?.payment.payment_intent ?? '');
      const before = structuredClone(subscription);
      // Stripe retries the invoice's own PaymentIntent rather than making a new one.
      succeedPayment(store, paymentIntent);
      if (invoicePayment !== undefined) {
        Object.assign(invoicePayment, {
          status: 'paid',
          amount_paid: paymentIntent.amount,
          status_transitions: { canceled_at: null, paid_at: store.now() },
        });
      }
      Object.assign(invoice, {
        status: 'paid',
        amount_paid: invoice.amount_due,
        amount_remaining: 0,
        attempt_count: Number(invoice['attempt_count'] ?? 1) + 1,
        next_payment_attempt: null,
        status_transitions: { ...(invoice['status_transitions'] as object), paid_at: store.now() },
      });
      subscription.status = 'active';
      return [
        buildEvent(store, 'invoice.paid', invoice),
        buildEvent(store, 'customer.subscription.updated', subscription, {
          previousAttributes: changedAttributes(before, subscription),
        }),
      ];
    },

    /** The member cancels in the portal: access continues until the period ends. */
    cancelAtPeriodEnd(subscriptionId: string): StripeEvent[] {
      const subscription = subscriptionOf(subscriptionId);
      const before = structuredClone(subscription);
      scheduleCancellation(store, subscription, true);
      return [
        buildEvent(store, 'customer.subscription.updated', subscription, {
          previousAttributes: changedAttributes(before, subscription),
        }),
      ];
    },

    /** The subscription ends (its period ran out after a cancellation, or retries gave up). */
    endSubscription(subscriptionId: string): StripeEvent[] {
      const subscription = subscriptionOf(subscriptionId);
      cancelSubscriptionNow(store, subscription);
      return [buildEvent(store, 'customer.subscription.deleted', subscription)];
    },

    /** A refund made in the dashboard; `charge.refunded` carries the cumulative amount. */
    refundCharge(paymentIntentOrChargeId: string, amount?: number): StripeEvent[] {
      const charge = chargeOf(store, paymentIntentOrChargeId);
      const before = structuredClone(charge);
      applyRefund(store, charge, amount);
      return [buildEvent(store, 'charge.refunded', charge, { previousAttributes: changedAttributes(before, charge) })];
    },

    /** The cardholder's bank opens a chargeback. */
    openDispute(chargeOrPaymentIntentId: string): StripeEvent[] {
      const charge = chargeOf(store, chargeOrPaymentIntentId);
      const dispute = store.put('dispute', buildDispute(store, charge));
      charge.disputed = true;
      return [buildEvent(store, 'charge.dispute.created', dispute)];
    },

    /** The dispute moves without a verdict (evidence submitted, under review). */
    updateDispute(disputeId: string, status: string): StripeEvent[] {
      const dispute = store.require('dispute', disputeId);
      const before = structuredClone(dispute);
      dispute.status = status;
      return [
        buildEvent(store, 'charge.dispute.updated', dispute, {
          previousAttributes: changedAttributes(before, dispute),
        }),
      ];
    },

    /** The bank decides. */
    closeDispute(disputeId: string, outcome: 'won' | 'lost'): StripeEvent[] {
      const dispute = store.require('dispute', disputeId);
      dispute.status = outcome;
      dispute['evidence_details'] = {
        ...(dispute['evidence_details'] as object),
        has_evidence: true,
        submission_count: 1,
        submission_method: 'manual',
      };
      return [buildEvent(store, 'charge.dispute.closed', dispute)];
    },
  };
};

export type CustomerSimulations = ReturnType<typeof createCustomerSimulations>;

/**
 * Subscriptions always get a customer; one-time payments only when the session asked for one
 * (`customer_creation: always`), like Stripe.
 */
const checkoutCustomer = (store: FakeStripeStore, session: FakeCheckoutSession): FakeCustomer | undefined => {
  if (session.customer !== null) return store.require('customer', session.customer);
  if (session.mode === 'payment' && session['customer_creation'] !== 'always') return undefined;
  return store.put(
    'customer',
    buildCustomer(store, { email: session.customer_email ?? 'member@example.com', name: 'Jenny Rosen', metadata: {} }),
  );
};
