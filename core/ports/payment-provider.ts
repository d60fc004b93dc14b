/**
 * What core needs from a payment provider. Provider types (Stripe objects, BTCPay
 * invoices) stop at the adapter: everything crossing this port is ours.
 */
export type ProviderName = 'stripe' | 'sandbox' | 'btcpay' | 'bitpay';

/** The crypto processors: invoices paid from a wallet, no card on file, no provider subscriptions. */
export const cryptoProviderNames = ['btcpay', 'bitpay'] as const;
export type CryptoProviderName = (typeof cryptoProviderNames)[number];

export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Every subscription status core understands (Stripe's names; the sandbox uses the same). */
export const subscriptionStatuses = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'incomplete',
  'incomplete_expired',
  'paused',
] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export interface PriceReference {
  /** Our price id (plan_prices.id), when the provider object tells us (metadata). */
  planPriceId: string | null;
  /** The provider's own price id (Stripe `price_…`), resolved to ours through plan_prices. */
  providerPriceId: string | null;
  quantity: number;
}

/** The provider's current view of a subscription, already in our terms. */
export interface SubscriptionSnapshot {
  providerSubscriptionId: string;
  providerCustomerId: string | null;
  /** Our user id, from the metadata we set at checkout. */
  userId: string | null;
  status: SubscriptionStatus;
  /** All items; core tells the tier from the add-ons through the catalog. */
  items: PriceReference[];
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  /** Monotonic knowledge stamp (ms). A snapshot with a smaller stamp never overwrites a larger one. */
  observedAt: number;
}

/** Money that arrived: a paid subscription invoice or a one-time payment. */
export interface PaymentFact {
  /** Invoice id (subscriptions) or payment id (one-time); the business key of the purchase. */
  providerPaymentId: string;
  /** What refunds and disputes reference (Stripe: PaymentIntent id), when known. */
  chargeReference: string | null;
  kind: 'subscription' | 'one_time';
  userId: string | null;
  providerCustomerId: string | null;
  providerSubscriptionId: string | null;
  /** The items paid for (tier first when known). */
  items: PriceReference[];
  amountMinor: number;
  currency: string;
  paidAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** The provider's hosted invoice or receipt page for the member, when it has one. */
  receiptUrl?: string | null;
}

export type NormalizedEvent =
  | { kind: 'ignore'; reason: string }
  | {
      /** A crypto invoice changed: the processor's current view, fetched, never the body's claim. */
      kind: 'crypto_invoice.updated';
      invoice: CryptoInvoiceFact;
    }
  | {
      kind: 'checkout.completed';
      providerSessionId: string;
      /** Our checkout_sessions.id from metadata, when present. */
      checkoutId: string | null;
      userId: string | null;
      providerCustomerId: string | null;
      providerSubscriptionId: string | null;
      /** One-time checkouts carry their payment here; subscription checkouts are paid by invoice. */
      payment: PaymentFact | null;
    }
  | {
      /** Something about a subscription changed: core fetches the current object and applies it. */
      kind: 'subscription.changed';
      providerSubscriptionId: string;
      userId: string | null;
      providerCustomerId: string | null;
    }
  | { kind: 'payment.succeeded'; payment: PaymentFact }
  | {
      kind: 'payment.failed';
      providerPaymentId: string;
      providerSubscriptionId: string | null;
      providerCustomerId: string | null;
      userId: string | null;
      amountMinor: number;
      currency: string;
      occurredAt: Date;
    }
  | {
      /** Cumulative refund state of one charge. */
      kind: 'refund.updated';
      chargeReference: string;
      providerChargeId: string | null;
      providerCustomerId: string | null;
      amountRefundedMinor: number;
      amountMinor: number;
      currency: string;
      occurredAt: Date;
    }
  | {
      kind: 'dispute.updated';
      providerDisputeId: string;
      chargeReference: string;
      providerChargeId: string | null;
      /** `open` while the bank decides; `won` restores access; `lost` is a forced refund. */
      status: 'open' | 'won' | 'lost';
      amountMinor: number;
      currency: string;
      occurredAt: Date;
      /** When the dispute opened (the bank took the money then), whichever of its events this is. */
      openedAt?: Date;
    };

/**
 * One crypto payment seen on an invoice, as the processor reports it. The crypto amount and the
 * rate are decimal strings exactly as the processor wrote them (never floats); `fiatMinor` is
 * the payment's value in the invoice's fiat currency, in integer minor units.
 */
export interface CryptoPaymentFact {
  /** Unique per payment at the processor (BTCPay: txid-vout; BitPay: txid). */
  providerPaymentId: string;
  cryptoCode: string;
  cryptoAmount: string;
  /** Fiat per one unit of the crypto currency, as the processor priced the invoice. */
  rate: string;
  fiatMinor: number;
  /** `pending`: seen, not yet confirmed; `settled`: confirmed; `invalid`: double-spent or replaced. */
  status: 'pending' | 'settled' | 'invalid';
}

/**
 * A crypto invoice as the processor reports it when we FETCH it (never from a webhook body
 * alone: BitPay's notifications are unsigned, and any body may be stale).
 */
export interface CryptoInvoiceFact {
  provider: CryptoProviderName;
  providerInvoiceId: string;
  /** Our checkout_sessions.id (the invoice's orderId), when the invoice is ours. */
  checkoutId: string | null;
  /** Our user id from the invoice's metadata/posData. */
  userId: string | null;
  /**
   * `open`: waiting for payment; `processing`: paid in full but not yet confirmed; `settled`:
   * confirmed (or marked settled by the store); `expired`: the payment window closed (it may
   * hold a partial or late payment); `invalid`: marked invalid or failed to confirm;
   * `refunded`: refunded by the processor.
   */
  state: 'open' | 'processing' | 'settled' | 'expired' | 'invalid' | 'refunded';
  /** The invoice's price in fiat minor units, and its currency (the plan's currency). */
  priceMinor: number;
  currency: string;
  /** The fiat value of settled payments (minor units): what may be credited or granted. */
  settledMinor: number;
  /** Seen but not yet confirmed. */
  pendingMinor: number;
  /** A payment arrived after the invoice expired. */
  paidLate: boolean;
  /** The store marked the invoice settled or invalid by hand. */
  manuallyMarked: boolean;
  payments: CryptoPaymentFact[];
  /** When the processor created the invoice. */
  createdAt: Date;
}

export interface VerifiedWebhook {
  providerEventId: string;
  eventType: string;
  /** False for event types we do not handle: stored as ignored, answered 200. */
  handled: boolean;
}

export interface CheckoutLine {
  planId: string;
  planName: string;
  planPriceId: string;
  /** Filled by ensurePrice for providers that need their own price objects. */
  providerPriceId: string | null;
  amountMinor: number;
  currency: string;
  interval: 'month' | 'year' | 'one_time';
  quantity: number;
}

/** A promo code's discount, in Stripe's coupon terms (the sandbox applies the same rules). */
export interface CheckoutDiscount {
  /** Our promo code; providers derive their coupon id from it. */
  code: string;
  /** Exactly one of percentOff (1–100) and amountOffMinor (with currency) is set. */
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  /** `once`: the first invoice; `repeating`: invoices in the first durationInMonths months; `forever`: all. */
  duration: 'once' | 'forever' | 'repeating';
  durationInMonths: number | null;
  maxRedemptions: number | null;
  /** Filled by ensureDiscount for providers that need their own coupon objects. */
  providerCouponId: string | null;
}

export interface CreateCheckoutInput {
  checkoutId: string;
  userId: string;
  email: string | null;
  providerCustomerId: string | null;
  mode: 'subscription' | 'payment';
  lines: CheckoutLine[];
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
  /** Copied to every provider object we can (session, subscription, payment). */
  metadata: Record<string, string>;
  /** A promo code's discount; the provider charges (and reports) the discounted amounts. */
  discount?: CheckoutDiscount | null;
  /**
   * When the checkout stops taking payment: the personal link's own expiry, so the chat and the
   * checkout page name the same instant. Providers that cannot honour it keep their own lifetime.
   */
  expiresAt?: Date | null;
}

/**
 * A refund the provider accepted. Most providers confirm it later with a webhook; where none
 * will come (Stripe payment records: money refunded outside Stripe and only reported there),
 * `settled` is the refund's resulting state, which core applies at once.
 */
export interface RefundOutcome {
  providerRefundId: string;
  settled?: Extract<NormalizedEvent, { kind: 'refund.updated' }>;
}

/**
 * What switching a subscription's tier would cost, as the provider itself would bill it, so the
 * member sees the provider's numbers before confirming. Prorations land on the next invoice
 * (nothing is charged at the moment of the change).
 */
export interface PlanChangePreview {
  currency: string;
  /** The price difference for the rest of the current period: positive is owed, negative a credit. */
  prorationMinor: number;
  /** The next invoice with the change: the next period's price plus the proration (never below 0). */
  nextInvoiceMinor: number;
  /** When that invoice is due (the current period's end). */
  nextInvoiceAt: Date | null;
  /** What every period after that costs: the new tier plus the add-ons kept, before discounts. */
  recurringMinor: number;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Find or create the provider's customer for this user (one per user). */
  ensureCustomer(input: {
    userId: string;
    email: string | null;
    idempotencyKey: string;
  }): Promise<{ providerCustomerId: string } | null>;
  /** Make sure the provider has a price for ours; returns the provider's price id (or null if not needed). */
  ensurePrice(line: Omit<CheckoutLine, 'providerPriceId' | 'quantity'>, idempotencyKey: string): Promise<string | null>;
  /**
   * Make sure the provider has a coupon for this discount; returns its id (or null when the
   * provider applies discounts itself). Providers without discounts leave it out.
   */
  ensureDiscount?(discount: CheckoutDiscount, idempotencyKey: string): Promise<string | null>;
  createCheckout(input: CreateCheckoutInput): Promise<{ providerSessionId: string; url: string; expiresAt: Date }>;
  /** Verifies the signature over the exact raw bytes; throws AppError `webhook_signature_invalid`. */
  verifyWebhook(rawBody: Buffer, headers: IncomingHeaders): VerifiedWebhook;
  /** Turns a stored, verified payload into our event. May call the provider for missing links. */
  parseEvent(payload: string): Promise<NormalizedEvent>;
  fetchSubscription(providerSubscriptionId: string): Promise<SubscriptionSnapshot | null>;
  changePlan(input: {
    providerSubscriptionId: string;
    line: CheckoutLine;
    prorate: boolean;
    idempotencyKey: string;
  }): Promise<SubscriptionSnapshot>;
  /** The cost of `changePlan` with proration at `prorateAt`, without changing anything. */
  previewPlanChange(input: {
    providerSubscriptionId: string;
    line: CheckoutLine;
    prorateAt: Date;
  }): Promise<PlanChangePreview>;
  cancel(input: {
    providerSubscriptionId: string;
    atPeriodEnd: boolean;
    idempotencyKey: string;
  }): Promise<SubscriptionSnapshot>;
  /**
   * Withdraws a scheduled cancel-at-period-end, so the subscription renews again. Refuses
   * (`subscription_not_canceling`, `subscription_ended`) when there is nothing to withdraw.
   */
  resume(input: { providerSubscriptionId: string; idempotencyKey: string }): Promise<SubscriptionSnapshot>;
  refund(input: {
    providerPaymentId: string;
    chargeReference: string | null;
    amountMinor: number | null;
    idempotencyKey: string;
  }): Promise<RefundOutcome>;
  createPortalSession(input: { providerCustomerId: string; returnUrl: string }): Promise<{ url: string } | null>;
  /** Crypto processors: the invoice as it stands now (reconciliation, and re-checks before acting). */
  fetchCryptoInvoice?(providerInvoiceId: string): Promise<CryptoInvoiceFact | null>;
  /** Crypto processors: invoices created since a moment, for the reconciliation job. */
  listCryptoInvoicesSince?(since: Date): Promise<CryptoInvoiceFact[]>;
}
