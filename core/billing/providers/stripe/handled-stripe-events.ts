/**
 * The Stripe event types that change money or access. Anything else is stored as ignored and
 * answered 200, so Stripe stops retrying it.
 */
export const handledStripeEventTypes: ReadonlySet<string> = new Set([
  'checkout.session.completed',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
]);

export const isHandledStripeEventType = (eventType: string): boolean => handledStripeEventTypes.has(eventType);
