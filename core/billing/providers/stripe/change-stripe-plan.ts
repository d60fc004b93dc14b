import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import type { CheckoutLine, SubscriptionSnapshot } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import type { EnsurePrice } from './create-stripe-checkout.js';
import { derivedIdempotencyKey } from './idempotency-keys.js';
import { callStripe } from './stripe-error.js';
import {
  parseStripeSubscription,
  type StripeSubscriptionPayload,
  subscriptionSnapshot,
  type UnknownStatusListener,
} from './subscription-snapshot.js';

export interface ChangeStripePlanInput {
  providerSubscriptionId: string;
  line: CheckoutLine;
  prorate: boolean;
  idempotencyKey: string;
}

/**
 * Swaps the tier item of a subscription for the new plan's price, leaving add-on items alone.
 * The subscription's metadata follows, so it keeps naming the tier it now sells.
 */
export const changeStripePlan = async (
  stripe: Stripe,
  ensurePrice: EnsurePrice,
  input: ChangeStripePlanInput,
  observedAt: () => number,
  onUnknownStatus: UnknownStatusListener,
): Promise<SubscriptionSnapshot> => {
  const current = parseStripeSubscription(
    await callStripe('subscriptions.retrieve', () => stripe.subscriptions.retrieve(input.providerSubscriptionId)),
  );
  const tierItem = findTierItem(current);
  if (tierItem === undefined) {
    throw new AppError('subscription_items_missing', 'The Stripe subscription has no item to change', {
      status: 409,
      context: { provider: 'stripe', providerSubscriptionId: input.providerSubscriptionId },
    });
  }
  const price =
    input.line.providerPriceId ?? (await ensurePrice(input.line, derivedIdempotencyKey(input.idempotencyKey, 'price')));
  const updated = await callStripe('subscriptions.update', () =>
    stripe.subscriptions.update(
      input.providerSubscriptionId,
      {
        items: [{ id: tierItem.id, price, quantity: input.line.quantity }],
        proration_behavior: input.prorate ? 'create_prorations' : 'none',
        metadata: { [metadataKeys.planId]: input.line.planId, [metadataKeys.planPriceId]: input.line.planPriceId },
      },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return subscriptionSnapshot(updated, observedAt(), onUnknownStatus);
};

/**
 * The tier is the item whose price is the plan price the subscription metadata names (set at
 * checkout and on every change); failing that, the item of the named plan; failing that, the
 * first item, which is where our checkout puts the tier.
 */
export const findTierItem = (subscription: StripeSubscriptionPayload) => {
  const items = subscription.items.data;
  const tierPlanPriceId = subscription.metadata[metadataKeys.planPriceId];
  const tierPlanId = subscription.metadata[metadataKeys.planId];
  return (
    items.find(
      (item) => tierPlanPriceId !== undefined && item.price.metadata[metadataKeys.planPriceId] === tierPlanPriceId,
    ) ??
    items.find((item) => tierPlanId !== undefined && item.price.metadata[metadataKeys.planId] === tierPlanId) ??
    items[0]
  );
};
