import { type Handler, list, newestFirst } from './api-handler.js';
import {
  buildCheckoutSession,
  buildCustomer,
  buildLineItem,
  buildPortalSession,
  buildPrice,
  buildProduct,
} from './catalog-objects.js';
import { couponAmountOff } from './coupon-objects.js';
import { checkoutCoupon } from './coupon-routes.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import type { FakeStripeStore } from './fake-stripe-store.js';
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

/** Endpoints for what is sold and how it is bought: customers, products, prices, checkout, portal. */

const recurringIntervals = new Set(['day', 'week', 'month', 'year']);

export const createCustomer: Handler = ({ fields }, { store }) =>
  store.put(
    'customer',
    buildCustomer(store, {
      email: formString(fields, 'email') ?? null,
      name: formString(fields, 'name') ?? null,
      metadata: formMetadata(fields) ?? {},
    }),
  );

export const createProduct: Handler = ({ fields }, { store }) => {
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

export const listPrices: Handler = ({ fields }, { store }) => {
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

export const createPrice: Handler = ({ fields }, { store }) => {
  const currency = formString(fields, 'currency');
  if (currency === undefined) throw missingParameter('currency');
  const unitAmount = formInteger(fields, 'unit_amount');
  if (unitAmount === undefined) throw missingParameter('unit_amount');
  if (unitAmount < 0) throw invalidRequest('Invalid non-negative integer', { param: 'unit_amount' });
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

export const createCheckoutSession: Handler = ({ fields }, { store }) => {
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
  const coupon = checkoutCoupon(fields, store, lineItems[0]?.currency ?? null);
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
  if (coupon !== undefined) {
    // Every coupon duration covers the first payment, so the session shows the discounted total.
    const amountOff = couponAmountOff(coupon, session.amount_total ?? 0);
    session.amount_total = (session.amount_total ?? 0) - amountOff;
    session['total_details'] = { amount_discount: amountOff, amount_shipping: 0, amount_tax: 0 };
    session['discounts'] = [{ coupon: coupon.id, promotion_code: null }];
  }
  store.checkoutExtras.set(session.id, {
    lineItems,
    subscriptionMetadata: formMetadata(formFields(fields, 'subscription_data') ?? {}) ?? {},
    paymentIntentMetadata: formMetadata(formFields(fields, 'payment_intent_data') ?? {}) ?? {},
    ...(coupon === undefined ? {} : { coupon: coupon.id }),
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

export const listCheckoutLineItems: Handler = ({ params, fields }, { store }) => {
  const session = store.require('checkout.session', params['id'] ?? '');
  const lineItems = store.checkoutExtras.get(session.id)?.lineItems ?? [];
  return list(`/v1/checkout/sessions/${session.id}/line_items`, lineItems, formInteger(fields, 'limit'));
};

export const createPortalSession: Handler = ({ fields }, { store }) => {
  const customer = formString(fields, 'customer');
  if (customer === undefined) throw missingParameter('customer');
  store.require('customer', customer, 'customer');
  return store.put(
    'billing_portal.session',
    buildPortalSession(store, { customer, return_url: formString(fields, 'return_url') ?? null }),
  );
};
