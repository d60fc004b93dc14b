import Stripe from 'stripe';
import type { CheckoutLine } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { derivedIdempotencyKey } from './idempotency-keys.js';
import { callStripe, isResourceMissing, toProviderError } from './stripe-error.js';

export type PriceDefinition = Omit<CheckoutLine, 'providerPriceId' | 'quantity'>;

/** Our plan price, found again at Stripe by a key we own rather than by a stored id. */
export const stripeLookupKey = (idempotencyPrefix: string, planPriceId: string): string =>
  `${idempotencyPrefix}_${planPriceId}`;

/** One Stripe product per plan, with an id we choose so it is found without a search. */
export const stripeProductId = (idempotencyPrefix: string, planId: string): string => `${idempotencyPrefix}_${planId}`;

/**
 * Returns the Stripe price for one of our plan prices, creating the product and price the
 * first time. Safe to repeat: the lookup key finds what an earlier call created.
 */
export const ensureStripePrice = async (
  stripe: Stripe,
  idempotencyPrefix: string,
  definition: PriceDefinition,
  idempotencyKey: string,
): Promise<string> => {
  const lookupKey = stripeLookupKey(idempotencyPrefix, definition.planPriceId);
  const found = await callStripe('prices.list', () => stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 }));
  const existing = found.data[0];
  if (existing?.active && sellsWhatWeSell(existing, definition)) return existing.id;

  const productId = await ensureStripeProduct(stripe, idempotencyPrefix, definition, idempotencyKey);
  const price = await callStripe('prices.create', () =>
    stripe.prices.create(
      {
        product: productId,
        unit_amount: definition.amountMinor,
        currency: definition.currency.toLowerCase(),
        ...(definition.interval === 'one_time' ? {} : { recurring: { interval: definition.interval } }),
        lookup_key: lookupKey,
        // Plan prices are never edited, so a mismatch means someone changed or archived the Stripe
        // price by hand: sell the amount our catalog says, and let existing subscribers keep theirs.
        transfer_lookup_key: existing !== undefined,
        metadata: { [metadataKeys.planId]: definition.planId, [metadataKeys.planPriceId]: definition.planPriceId },
      },
      { idempotencyKey: existing === undefined ? idempotencyKey : derivedIdempotencyKey(idempotencyKey, 'replace') },
    ),
  );
  return price.id;
};

const sellsWhatWeSell = (price: Stripe.Price, definition: PriceDefinition): boolean => {
  if (price.unit_amount !== definition.amountMinor) return false;
  if (price.currency.toLowerCase() !== definition.currency.toLowerCase()) return false;
  if (definition.interval === 'one_time') return price.recurring === null;
  return price.recurring?.interval === definition.interval && price.recurring.interval_count === 1;
};

const ensureStripeProduct = async (
  stripe: Stripe,
  idempotencyPrefix: string,
  definition: PriceDefinition,
  idempotencyKey: string,
): Promise<string> => {
  const productId = stripeProductId(idempotencyPrefix, definition.planId);
  try {
    await stripe.products.retrieve(productId);
    return productId;
  } catch (error) {
    if (!isResourceMissing(error)) throw toProviderError(error, 'products.retrieve');
  }
  try {
    await stripe.products.create(
      { id: productId, name: definition.planName, metadata: { [metadataKeys.planId]: definition.planId } },
      { idempotencyKey: derivedIdempotencyKey(idempotencyKey, 'product') },
    );
  } catch (error) {
    // Another price of the same plan created the product between our read and our write.
    if (!(error instanceof Stripe.errors.StripeError && error.code === 'resource_already_exists')) {
      throw toProviderError(error, 'products.create');
    }
  }
  return productId;
};
