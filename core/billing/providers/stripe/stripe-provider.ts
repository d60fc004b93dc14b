import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import type { Clock } from '../../../ports/clock.js';
import type { PaymentProvider, PriceReference } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { cancelStripeSubscription } from './cancel-stripe-subscription.js';
import { changeStripePlan } from './change-stripe-plan.js';
import { createStripeCheckout, type EnsurePrice } from './create-stripe-checkout.js';
import { createStripeClient } from './create-stripe-client.js';
import { ensureStripeCoupon } from './ensure-stripe-coupon.js';
import { ensureStripePrice } from './ensure-stripe-price.js';
import { freshIdempotencyKey } from './idempotency-keys.js';
import { findInvoicePaymentReference } from './invoice-payment-reference.js';
import { normalizeStripeEvent, type StripeEventLookups } from './normalize-stripe-event.js';
import { previewStripePlanChange } from './preview-stripe-plan-change.js';
import { refundStripePayment } from './refund-stripe-payment.js';
import { resumeStripeSubscription } from './resume-stripe-subscription.js';
import { callStripe, isResourceMissing, toProviderError } from './stripe-error.js';
import { subscriptionSnapshot, type UnknownStatusListener } from './subscription-snapshot.js';
import { verifyStripeWebhook } from './verify-stripe-webhook.js';

export interface StripeProviderOptions {
  secretKey: string;
  /** Every webhook signing secret currently valid (several during a rotation). */
  webhookSecrets: string[];
  /** How old a signature may be; Stripe recommends 300 s. */
  toleranceSeconds: number;
  /** A Stripe-compatible server instead of api.stripe.com (tests). */
  apiBase?: string;
  /** Ours, e.g. `cm`: names our Stripe products and price lookup keys, and starts every idempotency key. */
  idempotencyPrefix: string;
  clock: Clock;
  /** Where surprises in Stripe's answers are reported (a status this build does not know). */
  logger?: Pick<Logger, 'warn'>;
}

/** The PaymentProvider port over Stripe. Stripe types stop here. */
export const createStripeProvider = (options: StripeProviderOptions): PaymentProvider => {
  assertUsableOptions(options);
  const stripe = createStripeClient({
    secretKey: options.secretKey,
    ...(options.apiBase === undefined ? {} : { apiBase: options.apiBase }),
  });
  const observedAt = () => options.clock.now().getTime();
  const ensurePrice: EnsurePrice = (definition, idempotencyKey) =>
    ensureStripePrice(stripe, options.idempotencyPrefix, definition, idempotencyKey);
  const lookups = eventLookups(stripe);
  const onUnknownStatus: UnknownStatusListener = (status, providerSubscriptionId) =>
    options.logger?.warn(
      { provider: 'stripe', status, providerSubscriptionId },
      'Stripe sent a subscription status this build does not know; it grants no access until it is known',
    );

  return {
    name: 'stripe',

    async ensureCustomer({ userId, email, idempotencyKey }) {
      const customer = await callStripe('customers.create', () =>
        stripe.customers.create(
          { ...(email === null ? {} : { email }), metadata: { [metadataKeys.userId]: userId } },
          { idempotencyKey },
        ),
      );
      return { providerCustomerId: customer.id };
    },

    ensurePrice,

    ensureDiscount: (discount, idempotencyKey) =>
      ensureStripeCoupon(stripe, options.idempotencyPrefix, discount, idempotencyKey),

    createCheckout: (input) => createStripeCheckout(stripe, ensurePrice, input),

    verifyWebhook: (rawBody, headers) =>
      verifyStripeWebhook(
        stripe,
        { webhookSecrets: options.webhookSecrets, toleranceSeconds: options.toleranceSeconds, clock: options.clock },
        rawBody,
        headers,
      ),

    parseEvent: (payload) => normalizeStripeEvent(payload, lookups),

    async fetchSubscription(providerSubscriptionId) {
      try {
        const subscription = await stripe.subscriptions.retrieve(providerSubscriptionId);
        return subscriptionSnapshot(subscription, observedAt(), onUnknownStatus);
      } catch (error) {
        if (isResourceMissing(error)) return null;
        throw toProviderError(error, 'subscriptions.retrieve');
      }
    },

    changePlan: (input) => changeStripePlan(stripe, ensurePrice, input, observedAt, onUnknownStatus),

    previewPlanChange: (input) => previewStripePlanChange(stripe, ensurePrice, input, options.idempotencyPrefix),

    cancel: (input) => cancelStripeSubscription(stripe, input, observedAt, onUnknownStatus),

    resume: (input) => resumeStripeSubscription(stripe, input, observedAt, onUnknownStatus),

    refund: (input) => refundStripePayment(stripe, input, () => options.clock.now()),

    async createPortalSession({ providerCustomerId, returnUrl }) {
      const session = await callStripe('billingPortal.sessions.create', () =>
        stripe.billingPortal.sessions.create(
          { customer: providerCustomerId, return_url: returnUrl },
          { idempotencyKey: freshIdempotencyKey(options.idempotencyPrefix, 'portal') },
        ),
      );
      return { url: session.url };
    },
  };
};

const eventLookups = (stripe: Stripe): StripeEventLookups => ({
  paymentReferenceOfInvoice: (invoiceId) => findInvoicePaymentReference(stripe, invoiceId),
  async lineItemsOfCheckout(sessionId): Promise<PriceReference[]> {
    const page = await callStripe('checkout.sessions.listLineItems', () =>
      stripe.checkout.sessions.listLineItems(sessionId, { limit: 100 }),
    );
    return page.data.map((item) => ({
      planPriceId: item.price?.metadata[metadataKeys.planPriceId] ?? null,
      providerPriceId: item.price?.id ?? null,
      quantity: item.quantity ?? 1,
    }));
  },
});

/** Settings that would silently weaken webhook checks are refused at startup, not discovered later. */
const assertUsableOptions = (options: StripeProviderOptions): void => {
  const problems = [
    ...(options.secretKey.trim() === '' ? ['secretKey is empty'] : []),
    ...(options.webhookSecrets.length === 0 ? ['no webhook secret'] : []),
    ...(options.webhookSecrets.some((secret) => secret.trim() === '') ? ['a webhook secret is blank'] : []),
    // The SDK treats a tolerance of 0 as "never stale".
    ...(!(options.toleranceSeconds > 0) ? ['toleranceSeconds must be positive'] : []),
    ...(/^[a-z0-9]+$/i.test(options.idempotencyPrefix) ? [] : ['idempotencyPrefix must be letters and digits']),
  ];
  if (problems.length > 0) {
    throw new AppError('provider_misconfigured', `Stripe provider misconfigured: ${problems.join(', ')}`, {
      status: 500,
      context: { provider: 'stripe', problems },
    });
  }
};
