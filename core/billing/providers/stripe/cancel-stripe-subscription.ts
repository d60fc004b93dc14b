import type Stripe from 'stripe';
import type { SubscriptionSnapshot } from '../../../ports/payment-provider.js';
import { callStripe } from './stripe-error.js';
import { subscriptionSnapshot, type UnknownStatusListener } from './subscription-snapshot.js';

export interface CancelStripeSubscriptionInput {
  providerSubscriptionId: string;
  /** Keep access until the paid period ends (the member's own cancel) or end it now (a moderator's). */
  atPeriodEnd: boolean;
  idempotencyKey: string;
}

export const cancelStripeSubscription = async (
  stripe: Stripe,
  input: CancelStripeSubscriptionInput,
  observedAt: () => number,
  onUnknownStatus: UnknownStatusListener,
): Promise<SubscriptionSnapshot> => {
  const options = { idempotencyKey: input.idempotencyKey };
  const subscription = input.atPeriodEnd
    ? await callStripe('subscriptions.update', () =>
        stripe.subscriptions.update(input.providerSubscriptionId, { cancel_at_period_end: true }, options),
      )
    : await callStripe('subscriptions.cancel', () =>
        stripe.subscriptions.cancel(input.providerSubscriptionId, {}, options),
      );
  return subscriptionSnapshot(subscription, observedAt(), onUnknownStatus);
};
