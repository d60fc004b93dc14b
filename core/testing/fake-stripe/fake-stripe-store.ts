import { randomBytes } from 'node:crypto';
import { resourceMissing } from './fake-stripe-error.js';

/**
 * The fake's state: Stripe objects as Stripe would return them, keyed by id. Only the fields the
 * fake itself reads or changes are typed; the rest come from the fixtures and pass through.
 */
export type Metadata = Record<string, string>;
export type StripeObject = { id: string; object: string; [field: string]: unknown };

export type FakeRecurring = { interval: string; interval_count: number; [field: string]: unknown };
export type FakePrice = StripeObject & {
  active: boolean;
  currency: string;
  unit_amount: number;
  lookup_key: string | null;
  metadata: Metadata;
  product: string;
  recurring: FakeRecurring | null;
};
export type FakeProduct = StripeObject & { name: string; metadata: Metadata };
export type FakeCustomer = StripeObject & { email: string | null; name: string | null; metadata: Metadata };
export type FakeLineItem = StripeObject & {
  price: FakePrice;
  quantity: number;
  amount_total: number;
  currency: string;
};
export type FakeCheckoutSession = StripeObject & {
  mode: 'payment' | 'subscription' | 'setup';
  status: string;
  payment_status: string;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Metadata;
  subscription: string | null;
  invoice: string | null;
  payment_intent: string | null;
  amount_total: number | null;
  currency: string | null;
};
export type FakeSubscriptionItem = StripeObject & {
  price: FakePrice;
  quantity: number;
  current_period_start: number;
  current_period_end: number;
};
export type FakeSubscription = StripeObject & {
  customer: string;
  status: string;
  metadata: Metadata;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  latest_invoice: string | null;
  items: { object: 'list'; data: FakeSubscriptionItem[]; has_more: boolean; url: string };
};
export type FakeInvoice = StripeObject & {
  customer: string;
  status: string;
  currency: string;
  amount_due: number;
  amount_paid: number;
};
export type FakeInvoicePayment = StripeObject & {
  invoice: string;
  status: string;
  payment: { type: string; payment_intent?: string; charge?: string; payment_record?: string };
};
export type FakePaymentIntent = StripeObject & {
  amount: number;
  currency: string;
  customer: string | null;
  status: string;
  latest_charge: string | null;
  metadata: Metadata;
};
export type FakeCharge = StripeObject & {
  amount: number;
  amount_refunded: number;
  refunded: boolean;
  disputed: boolean;
  currency: string;
  customer: string | null;
  payment_intent: string | null;
};
export type FakeRefund = StripeObject & { amount: number; charge: string; payment_intent: string | null };
export type FakeCoupon = StripeObject & {
  percent_off: number | null;
  amount_off: number | null;
  currency: string | null;
  duration: 'once' | 'forever' | 'repeating';
  duration_in_months: number | null;
  max_redemptions: number | null;
  times_redeemed: number;
  valid: boolean;
};
export type FakeDispute = StripeObject & {
  amount: number;
  charge: string;
  payment_intent: string | null;
  status: string;
};

export type FakeWebhookEndpoint = StripeObject & {
  url: string;
  api_version: string | null;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  metadata: Metadata;
};
type FakeAmount = { currency: string; value: number };
export type FakePaymentRecord = StripeObject & { amount: FakeAmount; amount_refunded: FakeAmount };

export interface FakeObjects {
  customer: FakeCustomer;
  product: FakeProduct;
  price: FakePrice;
  'checkout.session': FakeCheckoutSession;
  subscription: FakeSubscription;
  invoice: FakeInvoice;
  invoice_payment: FakeInvoicePayment;
  payment_intent: FakePaymentIntent;
  charge: FakeCharge;
  refund: FakeRefund;
  dispute: FakeDispute;
  coupon: FakeCoupon;
  'billing_portal.session': StripeObject;
  webhook_endpoint: FakeWebhookEndpoint;
  payment_record: FakePaymentRecord;
}
export type FakeObjectKind = keyof FakeObjects;

/** How Stripe names each kind in "No such ..." messages. */
const nouns: Record<FakeObjectKind, string> = {
  customer: 'customer',
  product: 'product',
  price: 'price',
  'checkout.session': 'checkout.session',
  subscription: 'subscription',
  invoice: 'invoice',
  invoice_payment: 'invoice_payment',
  payment_intent: 'payment_intent',
  charge: 'charge',
  refund: 'refund',
  dispute: 'dispute',
  coupon: 'coupon',
  'billing_portal.session': 'billing_portal.session',
  webhook_endpoint: 'webhook_endpoint',
  payment_record: 'payment_record',
};

export const isFakeObjectKind = (kind: string): kind is FakeObjectKind => kind in nouns;

/** What a checkout session sells and carries over, which Stripe keeps but does not show on the session. */
export interface CheckoutExtras {
  lineItems: FakeLineItem[];
  subscriptionMetadata: Metadata;
  paymentIntentMetadata: Metadata;
  /** The coupon of `discounts[0][coupon]`, if the session was created with one. */
  coupon?: string;
}

/** A coupon applied to a subscription, from when it started (the repeating window counts from there). */
export interface SubscriptionDiscount {
  id: string;
  coupon: string;
  start: number;
}

export class FakeStripeStore {
  private readonly objects = new Map<FakeObjectKind, Map<string, StripeObject>>();
  readonly checkoutExtras = new Map<string, CheckoutExtras>();
  readonly subscriptionDiscounts = new Map<string, SubscriptionDiscount>();
  private fixedNow: Date | null = null;

  /** Unix seconds: Stripe's unit for every timestamp. */
  now(): number {
    return Math.floor(this.nowDate().getTime() / 1000);
  }

  nowDate(): Date {
    return this.fixedNow ?? new Date();
  }

  setNow(date: Date | null): void {
    this.fixedNow = date;
  }

  newId(prefix: string, length = 24): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = randomBytes(length);
    return `${prefix}_${Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('')}`;
  }

  put<Kind extends FakeObjectKind>(kind: Kind, object: FakeObjects[Kind]): FakeObjects[Kind] {
    this.collection(kind).set(object.id, object);
    return object;
  }

  remove(kind: FakeObjectKind, id: string): void {
    this.collection(kind).delete(id);
  }

  find<Kind extends FakeObjectKind>(kind: Kind, id: string): FakeObjects[Kind] | undefined {
    return this.collection(kind).get(id) as FakeObjects[Kind] | undefined;
  }

  /** `param` names the request field that referenced the id (400); without it the id was in the URL (404). */
  require<Kind extends FakeObjectKind>(kind: Kind, id: string, param?: string): FakeObjects[Kind] {
    const found = this.find(kind, id);
    if (found === undefined) throw resourceMissing(nouns[kind], id, param);
    return found;
  }

  all<Kind extends FakeObjectKind>(kind: Kind): FakeObjects[Kind][] {
    return [...this.collection(kind).values()] as FakeObjects[Kind][];
  }

  /** Any object by id, for `expand[]`. */
  findAnywhere(id: string): StripeObject | undefined {
    for (const collection of this.objects.values()) {
      const found = collection.get(id);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private collection(kind: FakeObjectKind): Map<string, StripeObject> {
    let collection = this.objects.get(kind);
    if (collection === undefined) {
      collection = new Map();
      this.objects.set(kind, collection);
    }
    return collection;
  }
}
