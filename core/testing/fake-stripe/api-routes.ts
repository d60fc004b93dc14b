import { applyRefund, cancelSubscriptionNow, chargeOf, scheduleCancellation } from './billing-operations.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import type {
  FakeObjectKind,
  FakePrice,
  FakeStripeStore,
  FakeSubscription,
  StripeObject,
} from './fake-stripe-store.js';
import {
  type FormFields,
  formBoolean,
  formFields,
  formInteger,
  formMetadata,
  formRecords,
  formString,
  formStrings,
} from './form-encoding.js';
import {
  buildCheckoutSession,
  buildCustomer,
  buildLineItem,
  buildPortalSession,
  buildPrice,
  buildProduct,
  buildSubscriptionItem,
  repriceSubscriptionItem,
} from './object-factories.js';
import { buildEvent, changedAttributes, type EventCause, type StripeEvent } from './stripe-events.js';

export interface ApiRequest {
  params: Record<string, string>;
  /** The form body of a POST, the query of a GET or DELETE. */
  fields: FormFields;
  cause: EventCause;
}

export interface ApiContext {
  store: FakeStripeStore;
  /** Events Stripe would send because of this request. */
  emit(event: StripeEvent): void;
}

export type ApiList = { object: 'list'; data: StripeObject[]; has_more: boolean; url: string };
type Handler = (request: ApiRequest, context: ApiContext) => StripeObject | ApiList;

const list = (url: string, all: StripeObject[], limit: number | undefined): ApiList => {
  const size = Math.min(Math.max(limit ?? 10, 1), 100);
  return { object: 'list', data: all.slice(0, size), has_more: all.length > size, url };
};

const newestFirst = <T extends StripeObject>(objects: T[]): T[] => [...objects].reverse();

const retrieve =
  (kind: FakeObjectKind): Handler =>
  ({ params }, { store }) =>
    store.require(kind, params['id'] ?? '');

const recurringIntervals = new Set(['day', 'week', 'month', 'year']);

const createCustomer: Handler = ({ fields }, { store }) =>
  store.put(
    'customer',
    buildCustomer(store, {
      email: formString(fields, 'email') ?? null,
      name: formString(fields, 'name') ?? null,
      metadata: formMetadata(fields) ?? {},
    }),
  );

const createProduct: Handler = ({ fields }, { store }) => {
  const name = formString(fields, 'name');
  if (name === undefined || name === '') throw missingParameter('name');
  const id = formString(fields, 'id');
  if (id !== undefined && store.find('product', id) !== undefined) {
    throw invalidRequest('Product already exists.', { code: 'resource_already_exists', param: 'id' });
  }
  return store.put(
    'product',
    buildProduct(store, {
      id,
      name,
      metadata: formMetadata(fields) ?? {},
      active: formBoolean(fields, 'active') ?? true,
    }),
  );
};

const listPrices: Handler = ({ fields }, { store }) => {
  const lookupKeys = formStrings(fields, 'lookup_keys');
  const active = formBoolean(fields, 'active');
  const product = formString(fields, 'product');
  const matching = store
    .all('price')
    .filter((price) => lookupKeys.length === 0 || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key)))
    .filter((price) => active === undefined || price.active === active)
    .filter((price) => product === undefined || price.product === product);
  return list('/v1/prices', newestFirst(matching), formInteger(fields, 'limit'));
};

const createPrice: Handler = ({ fields }, { store }) => {
  const currency = formString(fields, 'currency');
  if (currency === undefined) throw missingParameter('currency');
  const unitAmount = formInteger(fields, 'unit_amount');
  if (unitAmount === undefined || unitAmount < 0) throw missingParameter('unit_amount');
  const productId = formString(fields, 'product') ?? productFromData(fields, store);
  if (productId === undefined) throw missingParameter('product');
  store.require('product', productId, 'product');
  const recurringFields = formFields(fields, 'recurring');
  const interval = recurringFields === undefined ? undefined : formString(recurringFields, 'interval');
  if (recurringFields !== undefined && (interval === undefined || !recurringIntervals.has(interval))) {
    throw invalidRequest('Invalid recurring[interval]: must be one of day, week, month, or year', {
      param: 'recurring[interval]',
    });
  }
  const lookupKey = formString(fields, 'lookup_key') ?? null;
  if (lookupKey !== null) {
    const holder = store.all('price').find((price) => price.lookup_key === lookupKey);
    if (holder !== undefined && formBoolean(fields, 'transfer_lookup_key') !== true) {
      throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
    }
    if (holder !== undefined) holder.lookup_key = null;
  }
  return store.put(
    'price',
    buildPrice(store, {
      product: productId,
      currency: currency.toLowerCase(),
      unit_amount: unitAmount,
      recurring:
        interval === undefined
          ? null
          : { interval, interval_count: formInteger(recurringFields ?? {}, 'interval_count') ?? 1 },
      lookup_key: lookupKey,
      metadata: formMetadata(fields) ?? {},
      nickname: formString(fields, 'nickname') ?? null,
    }),
  );
};

const productFromData = (fields: FormFields, store: FakeStripeStore): string | undefined => {
  const data = formFields(fields, 'product_data');
  const name = data === undefined ? undefined : formString(data, 'name');
  if (data === undefined || name === undefined) return undefined;
  return store.put(
    'product',
    buildProduct(store, { id: undefined, name, metadata: formMetadata(data) ?? {}, active: true }),
  ).id;
};

const checkoutModes = new Set(['payment', 'subscription', 'setup']);

const createCheckoutSession: Handler = ({ fields }, { store }) => {
  const mode = formString(fields, 'mode');
  if (mode === undefined) throw missingParameter('mode');
  if (!checkoutModes.has(mode)) throw invalidRequest(`Invalid mode: ${mode}`, { param: 'mode' });
  const successUrl = formString(fields, 'success_url') ?? null;
  if (successUrl === null && formString(fields, 'ui_mode') !== 'embedded') throw missingParameter('success_url');
  const customer = formString(fields, 'customer') ?? null;
  const customerEmail = formString(fields, 'customer_email') ?? null;
  if (customer !== null && customerEmail !== null) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', {
      param: 'customer_email',
    });
  }
  if (customer !== null) store.require('customer', customer, 'customer');
  if (mode !== 'payment' && fields['payment_intent_data'] !== undefined) {
    throw invalidRequest(`You can not pass \`payment_intent_data\` in \`${mode}\` mode.`, {
      param: 'payment_intent_data',
    });
  }
  if (mode !== 'subscription' && fields['subscription_data'] !== undefined) {
    throw invalidRequest(`You can not pass \`subscription_data\` in \`${mode}\` mode.`, { param: 'subscription_data' });
  }
  const customerCreation = formString(fields, 'customer_creation') ?? null;
  if (mode === 'subscription' && customerCreation !== null) {
    throw invalidRequest('`customer_creation` can only be used in `payment` and `setup` mode.', {
      param: 'customer_creation',
    });
  }
  const prices = checkoutPrices(fields, store, mode);
  const lineItems = prices.map(({ price, quantity }) => buildLineItem(store, price, quantity));
  const session = store.put(
    'checkout.session',
    buildCheckoutSession(store, {
      mode: mode as 'payment' | 'subscription' | 'setup',
      customer,
      customer_email: customerEmail,
      customer_creation: customerCreation ?? (mode === 'subscription' ? 'always' : 'if_required'),
      client_reference_id: formString(fields, 'client_reference_id') ?? null,
      metadata: formMetadata(fields) ?? {},
      success_url: successUrl,
      cancel_url: formString(fields, 'cancel_url') ?? null,
      lineItems,
    }),
  );
  store.checkoutExtras.set(session.id, {
    lineItems,
    subscriptionMetadata: formMetadata(formFields(fields, 'subscription_data') ?? {}) ?? {},
    paymentIntentMetadata: formMetadata(formFields(fields, 'payment_intent_data') ?? {}) ?? {},
  });
  return session;
};

const checkoutPrices = (fields: FormFields, store: FakeStripeStore, mode: string) => {
  const lines = formRecords(fields, 'line_items');
  if (lines.length === 0 && mode !== 'setup') throw missingParameter('line_items');
  const prices = lines.map((line, index) => {
    const priceId = formString(line, 'price');
    if (priceId === undefined) throw missingParameter(`line_items[${index}][price]`);
    const price = store.require('price', priceId, `line_items[${index}][price]`);
    if (!price.active) {
      throw invalidRequest(`The price specified (${price.id}) is inactive.`, { param: `line_items[${index}][price]` });
    }
    const quantity = formInteger(line, 'quantity');
    if (quantity === undefined || quantity < 1) throw missingParameter(`line_items[${index}][quantity]`);
    return { price, quantity };
  });
  if (mode === 'subscription' && !prices.some(({ price }) => price.recurring !== null)) {
    throw invalidRequest('You must provide at least one recurring price in `subscription` mode when using prices.', {
      param: 'line_items',
    });
  }
  if (mode === 'payment' && prices.some(({ price }) => price.recurring !== null)) {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      { param: 'line_items' },
    );
  }
  if (new Set(prices.map(({ price }) => price.currency)).size > 1) {
    throw invalidRequest('All prices must be in the same currency.', { param: 'line_items' });
  }
  return prices;
};

const listCheckoutLineItems: Handler = ({ params, fields }, { store }) => {
  const session = store.require('checkout.session', params['id'] ?? '');
  const lineItems = store.checkoutExtras.get(session.id)?.lineItems ?? [];
  return list(`/v1/checkout/sessions/${session.id}/line_items`, lineItems, formInteger(fields, 'limit'));
};

const prorationBehaviors = new Set(['create_prorations', 'none', 'always_invoice']);

const updateSubscription: Handler = ({ params, fields, cause }, { store, emit }) => {
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

const cancelSubscription: Handler = ({ params, cause }, { store, emit }) => {
  const subscription = store.require('subscription', params['id'] ?? '');
  if (subscription.status === 'canceled') {
    throw invalidRequest(`This subscription (${subscription.id}) has already been canceled.`);
  }
  cancelSubscriptionNow(store, subscription);
  emit(buildEvent(store, 'customer.subscription.deleted', subscription, { cause }));
  return subscription;
};

const listInvoicePayments: Handler = ({ fields }, { store }) => {
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

const createRefund: Handler = ({ fields, cause }, { store, emit }) => {
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

const createPortalSession: Handler = ({ fields }, { store }) => {
  const customer = formString(fields, 'customer');
  if (customer === undefined) throw missingParameter('customer');
  store.require('customer', customer, 'customer');
  return store.put(
    'billing_portal.session',
    buildPortalSession(store, { customer, return_url: formString(fields, 'return_url') ?? null }),
  );
};

/** Every endpoint the Stripe adapter calls, and a few reads that help tests look around. */
const routes: Array<{ method: string; pattern: string; handler: Handler }> = [
  { method: 'POST', pattern: '/v1/customers', handler: createCustomer },
  { method: 'GET', pattern: '/v1/customers/:id', handler: retrieve('customer') },
  { method: 'POST', pattern: '/v1/products', handler: createProduct },
  { method: 'GET', pattern: '/v1/products/:id', handler: retrieve('product') },
  { method: 'GET', pattern: '/v1/prices', handler: listPrices },
  { method: 'POST', pattern: '/v1/prices', handler: createPrice },
  { method: 'GET', pattern: '/v1/prices/:id', handler: retrieve('price') },
  { method: 'POST', pattern: '/v1/checkout/sessions', handler: createCheckoutSession },
  { method: 'GET', pattern: '/v1/checkout/sessions/:id', handler: retrieve('checkout.session') },
  { method: 'GET', pattern: '/v1/checkout/sessions/:id/line_items', handler: listCheckoutLineItems },
  { method: 'GET', pattern: '/v1/subscriptions/:id', handler: retrieve('subscription') },
  { method: 'POST', pattern: '/v1/subscriptions/:id', handler: updateSubscription },
  { method: 'DELETE', pattern: '/v1/subscriptions/:id', handler: cancelSubscription },
  { method: 'GET', pattern: '/v1/invoices/:id', handler: retrieve('invoice') },
  { method: 'GET', pattern: '/v1/invoice_payments', handler: listInvoicePayments },
  { method: 'GET', pattern: '/v1/payment_intents/:id', handler: retrieve('payment_intent') },
  { method: 'GET', pattern: '/v1/charges/:id', handler: retrieve('charge') },
  { method: 'POST', pattern: '/v1/refunds', handler: createRefund },
  { method: 'GET', pattern: '/v1/refunds/:id', handler: retrieve('refund') },
  { method: 'GET', pattern: '/v1/disputes/:id', handler: retrieve('dispute') },
  { method: 'POST', pattern: '/v1/billing_portal/sessions', handler: createPortalSession },
];

export const findRoute = (
  method: string,
  path: string,
): { handler: Handler; params: Record<string, string> } | null => {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const patternSegments = route.pattern.split('/');
    if (patternSegments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = patternSegments.every((patternSegment, index) => {
      const segment = segments[index] ?? '';
      if (patternSegment.startsWith(':')) {
        params[patternSegment.slice(1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return patternSegment === segment;
    });
    if (matches) return { handler: route.handler, params };
  }
  return null;
};
