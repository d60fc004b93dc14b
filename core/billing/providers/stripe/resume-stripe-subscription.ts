import type Stripe from 'stripe';
import type { SubscriptionSnapshot } from '../../../ports/payment-provider.js';
import { subscriptionEnded } from '../../subscription-errors.js';
import { callStripe } from './stripe-error.js';
import { parseStripeSubscription, subscriptionSnapshot, type UnknownStatusListener } from './subscription-snapshot.js';

export interface ResumeStripeSubscriptionInput {
  providerSubscriptionId: string;
  idempotencyKey: string;
}

/**
 * Withdraws a scheduled cancellation. Stripe refuses to change an ended subscription with a
 * generic 400, so we look first and say what is wrong; a subscription that is not canceling
 * is returned as it is, which makes a retried resume harmless.
 */
export const resumeStripeSubscription = async (
  stripe: Stripe,
  input: ResumeStripeSubscriptionInput,
  observedAt: () => number,
  logUnknownStatus: UnknownStatusListener,
): Promise<SubscriptionSnapshot> => {
  const current = await callStripe('subscriptions.retrieve', () =>
    stripe.subscriptions.retrieve(input.providerSubscriptionId),
  );
  const parsed = parseStripeSubscription(current);
  if (parsed.status === 'canceled' || parsed.status === 'incomplete_expired') {
    throw subscriptionEnded({ provider: 'stripe', providerSubscriptionId: input.providerSubscriptionId });
  }
  // The member's own cancel sets the flag; the portal may schedule a date (`cancel_at`) instead.
  const withdrawal: Stripe.SubscriptionUpdateParams | null = parsed.cancel_at_period_end
    ? { cancel_at_period_end: false }
    : parsed.cancel_at !== null
      ? { cancel_at: '' }
      : null;
  if (withdrawal === null) return subscriptionSnapshot(current, observedAt(), logUnknownStatus);
  const updated = await callStripe('subscriptions.update', () =>
    stripe.subscriptions.update(input.providerSubscriptionId, withdrawal, { idempotencyKey: input.idempotencyKey }),
  );
  return subscriptionSnapshot(updated, observedAt(), logUnknownStatus);
};
