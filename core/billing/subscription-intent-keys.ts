/**
 * Idempotency keys for what a member or moderator asks of a subscription. Stripe replays the
 * first answer to a key for 24 hours, so a key must name the intent *and* the state it starts
 * from: cancel, resume, cancel again are three intents and need three keys, or the third is
 * answered with the first one's result while nothing happens (the member keeps being charged).
 * The stored subscription's `version` grows with every change we store, so a retry of the same
 * intent (nothing stored in between) reuses its key and the next intent gets a new one.
 */
export type SubscriptionIntent = 'cancel-period-end' | 'cancel-now' | 'resume' | { changeToPriceId: string };

export const subscriptionIntentKey = (
  idempotencyPrefix: string,
  subscription: { id: string; version: number },
  intent: SubscriptionIntent,
): string => {
  const what = typeof intent === 'string' ? intent : `change-${intent.changeToPriceId}`;
  return `${idempotencyPrefix}-${what}-${subscription.id}-v${subscription.version}`;
};
