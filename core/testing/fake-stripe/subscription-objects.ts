import { couponAmountOff } from './coupon-objects.js';
import type {
  FakeCoupon,
  FakeInvoice,
  FakeInvoicePayment,
  FakePaymentIntent,
  FakePrice,
  FakeStripeStore,
  FakeSubscription,
  FakeSubscriptionItem,
  Metadata,
} from './fake-stripe-store.js';
import { objectTemplate } from './fixture-templates.js';

/** Builders for subscriptions, their items and invoices, from the fixtures, coherent with the fake's state. */

/** A plan is how older API versions described a recurring price; subscription items still carry one. */
const planOf = (price: FakePrice) => ({
  id: price.id,
  object: 'plan',
  active: price.active,
  amount: price.unit_amount,
  amount_decimal: String(price.unit_amount),
  billing_scheme: 'per_unit',
  created: price['created'],
  currency: price.currency,
  interval: price.recurring?.interval ?? 'month',
  interval_count: price.recurring?.interval_count ?? 1,
  livemode: false,
  metadata: price.metadata,
  meter: null,
  nickname: price['nickname'] ?? null,
  product: price.product,
  tiers_mode: null,
  transform_usage: null,
  trial_period_days: null,
  usage_type: 'licensed',
});

export const buildSubscriptionItem = (
  store: FakeStripeStore,
  fields: { subscription: string; price: FakePrice; quantity: number; periodStart: number; periodEnd: number },
): FakeSubscriptionItem => ({
  ...objectTemplate('subscription_item'),
  id: store.newId('si', 14),
  object: 'subscription_item',
  created: store.now(),
  billing_thresholds: null,
  current_trial: null,
  discounts: [],
  metadata: {},
  tax_rates: [],
  subscription: fields.subscription,
  price: structuredClone(fields.price),
  plan: planOf(fields.price),
  quantity: fields.quantity,
  current_period_start: fields.periodStart,
  current_period_end: fields.periodEnd,
});

/** Swaps an item's price the way an update does: the plan follows the price. */
export const repriceSubscriptionItem = (item: FakeSubscriptionItem, price: FakePrice, quantity: number): void => {
  item.price = structuredClone(price);
  item['plan'] = planOf(price);
  item.quantity = quantity;
};

export const buildSubscription = (
  store: FakeStripeStore,
  fields: { customer: string; currency: string; metadata: Metadata },
): FakeSubscription => {
  const id = store.newId('sub');
  const now = store.now();
  return {
    ...objectTemplate('subscription'),
    id,
    object: 'subscription',
    customer: fields.customer,
    currency: fields.currency,
    metadata: { ...fields.metadata },
    status: 'incomplete',
    created: now,
    start_date: now,
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    billing_thresholds: null,
    billing_schedules: [],
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    default_payment_method: store.newId('pm'),
    ended_at: null,
    latest_invoice: null,
    managed_payments: null,
    next_pending_invoice_item_invoice: null,
    pause_collection: null,
    pending_invoice_item_interval: null,
    pending_update: null,
    transfer_data: null,
    trial_end: null,
    trial_start: null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    items: { object: 'list', data: [], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
  };
};

/** An invoice for one period of a subscription; `paid` settles it, otherwise it stays open. */
export const buildSubscriptionInvoice = (
  store: FakeStripeStore,
  subscription: FakeSubscription,
  fields: {
    billingReason: string;
    paid: boolean;
    previousPeriodStart?: number;
    /** The subscription's discount, when its coupon covers this invoice. */
    discount?: { id: string; coupon: FakeCoupon };
  },
): FakeInvoice => {
  const template = objectTemplate('invoice');
  const id = store.newId('in');
  const now = store.now();
  const customer = store.find('customer', subscription.customer);
  const lineTemplate = (template['lines'] as { data: Record<string, unknown>[] }).data[0] ?? {};
  const lines = subscription.items.data.map((item) => {
    const amount = item.price.unit_amount * item.quantity;
    return {
      ...structuredClone(lineTemplate),
      id: store.newId('il'),
      object: 'line_item',
      amount,
      subtotal: amount,
      currency: item.price.currency,
      description: `${item.quantity} × ${store.find('product', item.price.product)?.name ?? 'Plan'}`,
      discount_amounts: [],
      discounts: [],
      invoice: id,
      metadata: { ...subscription.metadata },
      period: { start: item.current_period_start, end: item.current_period_end },
      quantity: item.quantity,
      subscription: null,
      parent: {
        type: 'subscription_item_details',
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: subscription.id,
          subscription_item: item.id,
        },
      },
      pricing: {
        type: 'price_details',
        price_details: { price: item.price.id, product: item.price.product },
        unit_amount_decimal: String(item.price.unit_amount),
      },
    };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const amountOff = fields.discount === undefined ? 0 : couponAmountOff(fields.discount.coupon, subtotal);
  const total = subtotal - amountOff;
  const firstItem = subscription.items.data[0];
  const { subscription: _removedInBasil, ...invoiceTemplate } = template;
  return {
    ...invoiceTemplate,
    id,
    object: 'invoice',
    customer: subscription.customer,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_shipping: null,
    currency: subscription['currency'] as string,
    billing_reason: fields.billingReason,
    created: now,
    effective_at: now,
    due_date: null,
    ending_balance: 0,
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.test/i/${id}`,
    invoice_pdf: `https://pay.stripe.test/invoice/${id}/pdf`,
    last_finalization_error: null,
    number: store.newId('X', 8).slice(2).toUpperCase(),
    shipping_cost: null,
    shipping_details: null,
    amount_overpaid: 0,
    webhooks_delivered_at: now,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    // Stripe's invoice-level period is the one before the lines' period (empty for the first invoice).
    period_start: fields.previousPeriodStart ?? firstItem?.current_period_start ?? now,
    period_end: firstItem?.current_period_start ?? now,
    discounts: fields.discount === undefined ? [] : [fields.discount.id],
    total_discount_amounts: fields.discount === undefined ? [] : [{ amount: amountOff, discount: fields.discount.id }],
    subtotal,
    subtotal_excluding_tax: subtotal,
    total,
    total_excluding_tax: total,
    amount_due: total,
    amount_paid: fields.paid ? total : 0,
    amount_remaining: fields.paid ? 0 : total,
    attempted: true,
    attempt_count: 1,
    auto_advance: !fields.paid,
    next_payment_attempt: fields.paid ? null : now + 3 * 24 * 60 * 60,
    status: fields.paid ? 'paid' : 'open',
    status_transitions: {
      finalized_at: now,
      marked_uncollectible_at: null,
      paid_at: fields.paid ? now : null,
      voided_at: null,
    },
  };
};

export const buildInvoicePayment = (
  store: FakeStripeStore,
  invoice: FakeInvoice,
  paymentIntent: FakePaymentIntent,
): FakeInvoicePayment => {
  const paid = paymentIntent.status === 'succeeded';
  return {
    ...objectTemplate('invoice_payment'),
    id: store.newId('inpay'),
    object: 'invoice_payment',
    invoice: invoice.id,
    amount_paid: paid ? paymentIntent.amount : null,
    amount_requested: paymentIntent.amount,
    created: store.now(),
    currency: paymentIntent.currency,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent.id },
    status: paid ? 'paid' : 'open',
    status_transitions: { canceled_at: null, paid_at: paid ? store.now() : null },
  };
};
