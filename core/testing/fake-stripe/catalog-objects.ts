import type {
  FakeCheckoutSession,
  FakeCustomer,
  FakeLineItem,
  FakePrice,
  FakeProduct,
  FakeStripeStore,
  Metadata,
  StripeObject,
} from './fake-stripe-store.js';
import { objectTemplate } from './fixture-templates.js';

/**
 * Builders for what is sold and how it is bought (customers, products, prices, checkout and portal
 * sessions): the fixture's shape, with ids, links, amounts and times from the fake's state, and the
 * fixture's placeholder values cleared so nothing contradicts the state.
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
