import type {
  FakeCharge,
  FakeCheckoutSession,
  FakeCustomer,
  FakeDispute,
  FakeInvoice,
  FakeInvoicePayment,
  FakeLineItem,
  FakePaymentIntent,
  FakePrice,
  FakeProduct,
  FakeRefund,
  FakeStripeStore,
  FakeSubscription,
  FakeSubscriptionItem,
  Metadata,
  StripeObject,
} from './fake-stripe-store.js';
import { objectTemplate } from './fixture-templates.js';

/**
 * Builders for each Stripe object the fake holds: the fixture's shape, with ids, links, amounts
 * and times from the fake's state, and the fixture's placeholder values (random amounts,
 * unrelated links) cleared so nothing contradicts the state.
 */

export const buildCustomer = (
  store: FakeStripeStore,
  fields: { email: string | null; name: string | null; metadata: Metadata },
): FakeCustomer => ({
  ...objectTemplate('customer'),
  id: store.newId('cus', 14),
  object: 'customer',
  created: store.now(),
  discount: null,
  shipping: null,
  invoice_prefix: store.newId('X', 7).slice(2).toUpperCase(),
  ...fields,
});

export const buildProduct = (
  store: FakeStripeStore,
  fields: { id: string | undefined; name: string; metadata: Metadata; active: boolean },
): FakeProduct => ({
  ...objectTemplate('product'),
  object: 'product',
  created: store.now(),
  updated: store.now(),
  default_price: null,
  description: null,
  package_dimensions: null,
  shippable: null,
  type: 'service',
  ...fields,
  id: fields.id ?? store.newId('prod', 14),
});

export const buildPrice = (
  store: FakeStripeStore,
  fields: {
    product: string;
    currency: string;
    unit_amount: number;
    recurring: { interval: string; interval_count: number } | null;
    lookup_key: string | null;
    metadata: Metadata;
    nickname: string | null;
  },
): FakePrice => ({
  ...objectTemplate('price'),
  id: store.newId('price'),
  object: 'price',
  active: true,
  created: store.now(),
  custom_unit_amount: null,
  transform_quantity: null,
  type: fields.recurring === null ? 'one_time' : 'recurring',
  unit_amount_decimal: String(fields.unit_amount),
  ...fields,
  recurring:
    fields.recurring === null
      ? null
      : { ...fields.recurring, meter: null, usage_type: 'licensed', trial_period_days: null },
});

export const buildLineItem = (store: FakeStripeStore, price: FakePrice, quantity: number): FakeLineItem => {
  const amount = price.unit_amount * quantity;
  const product = store.find('product', price.product);
  return {
    id: store.newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? null,
    metadata: {},
    price: structuredClone(price),
    quantity,
  };
};

export const buildCheckoutSession = (
  store: FakeStripeStore,
  fields: {
    mode: FakeCheckoutSession['mode'];
    customer: string | null;
    customer_email: string | null;
    customer_creation: string | null;
    client_reference_id: string | null;
    metadata: Metadata;
    success_url: string | null;
    cancel_url: string | null;
    lineItems: FakeLineItem[];
  },
): FakeCheckoutSession => {
  const template = objectTemplate('checkout.session');
  const id = store.newId('cs_test', 58);
  const { lineItems, ...sessionFields } = fields;
  const amount = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  return {
    ...template,
    ...sessionFields,
    id,
    object: 'checkout.session',
    created: store.now(),
    expires_at: store.now() + 24 * 60 * 60,
    status: 'open',
    payment_status: 'unpaid',
    url: `https://checkout.stripe.test/c/pay/${id}`,
    currency: lineItems[0]?.currency ?? null,
    amount_subtotal: amount,
    amount_total: amount,
    after_expiration: null,
    collected_information: null,
    currency_conversion: null,
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_details: null,
    invoice: null,
    invoice_creation:
      fields.mode === 'payment' ? { ...(template['invoice_creation'] as object), enabled: false } : null,
    payment_intent: null,
    payment_method_collection: fields.mode === 'subscription' ? 'always' : null,
    shipping_address_collection: null,
    shipping_cost: null,
    subscription: null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
  };
};

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
  fields: { billingReason: string; paid: boolean; previousPeriodStart?: number },
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
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
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
    subtotal: total,
    subtotal_excluding_tax: total,
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

export const buildPaymentIntent = (
  store: FakeStripeStore,
  fields: { amount: number; currency: string; customer: string | null; metadata: Metadata; description: string | null },
): FakePaymentIntent => {
  const id = store.newId('pi');
  return {
    ...objectTemplate('payment_intent'),
    ...fields,
    id,
    object: 'payment_intent',
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    client_secret: `${id}_secret_${store.newId('s').slice(2)}`,
    created: store.now(),
    last_payment_error: null,
    latest_charge: null,
    next_action: null,
    payment_method: store.newId('pm'),
    processing: null,
    shipping: null,
    status: 'requires_payment_method',
    transfer_data: null,
  };
};

export const buildCharge = (store: FakeStripeStore, paymentIntent: FakePaymentIntent): FakeCharge => {
  const template = objectTemplate('charge');
  const { refunds: _notIncludedSince20221115, ...chargeTemplate } = template;
  const card = (template['payment_method_details'] as { card: Record<string, unknown> }).card;
  return {
    ...chargeTemplate,
    id: store.newId('ch'),
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: paymentIntent.amount,
    amount_refunded: 0,
    balance_transaction: store.newId('txn'),
    captured: true,
    created: store.now(),
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent['description'] ?? null,
    disputed: false,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 12,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: paymentIntent.id,
    payment_method: paymentIntent['payment_method'],
    payment_method_details: {
      type: 'card',
      card: {
        ...card,
        amount_authorized: paymentIntent.amount,
        overcapture: { maximum_amount_capturable: paymentIntent.amount, status: 'unavailable' },
        wallet: null,
      },
    },
    receipt_email: store.find('customer', paymentIntent.customer ?? '')?.email ?? null,
    refunded: false,
    shipping: null,
    source: null,
    status: 'succeeded',
    transfer_data: null,
  };
};

export const buildRefund = (store: FakeStripeStore, charge: FakeCharge, amount: number): FakeRefund => ({
  ...objectTemplate('refund'),
  id: store.newId('re'),
  object: 'refund',
  amount,
  balance_transaction: store.newId('txn'),
  charge: charge.id,
  created: store.now(),
  currency: charge.currency,
  customer: charge.customer,
  payment_intent: charge.payment_intent,
  status: 'succeeded',
});

export const buildDispute = (store: FakeStripeStore, charge: FakeCharge): FakeDispute => {
  const template = objectTemplate('dispute');
  const id = store.newId('dp');
  const now = store.now();
  return {
    ...template,
    id,
    object: 'dispute',
    amount: charge.amount,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    currency: charge.currency,
    created: now,
    reason: 'fraudulent',
    status: 'needs_response',
    is_charge_refundable: false,
    enhanced_eligibility_types: [],
    intended_submission_method: null,
    payment_method_details: {
      type: 'card',
      card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4', network: 'visa' },
    },
    evidence_details: {
      ...(template['evidence_details'] as object),
      due_by: now + 21 * 24 * 60 * 60,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    balance_transactions: [
      {
        id: store.newId('txn'),
        object: 'balance_transaction',
        amount: -charge.amount,
        currency: charge.currency,
        fee: 1500,
        net: -charge.amount - 1500,
        type: 'adjustment',
        reporting_category: 'dispute',
        status: 'available',
        created: now,
        available_on: now,
        description: `Chargeback withdrawal for ${charge.id}`,
        exchange_rate: null,
        fee_details: [
          {
            amount: 1500,
            application: null,
            currency: charge.currency,
            description: 'Dispute fee',
            type: 'stripe_fee',
          },
        ],
        source: id,
        balance_type: 'payments',
      },
    ],
  };
};

/** No published fixture exists for portal sessions; the shape follows the API reference. */
export const buildPortalSession = (
  store: FakeStripeStore,
  fields: { customer: string; return_url: string | null },
): StripeObject => {
  const id = store.newId('bps');
  return {
    id,
    object: 'billing_portal.session',
    configuration: 'bpc_fake_default',
    created: store.now(),
    customer: fields.customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: fields.return_url,
    url: `https://billing.stripe.test/p/session/${id}`,
  };
};
