/**
 * Keys we write into provider metadata at checkout, and read back from webhooks. They are
 * how an event finds its user without trusting anything but our own signed checkout.
 */
export const metadataKeys = {
  userId: 'user_id',
  checkoutId: 'checkout_id',
  planId: 'plan_id',
  planPriceId: 'plan_price_id',
} as const;
