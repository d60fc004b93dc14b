import type { CatalogService, PriceRow } from '../catalog/catalog-service.js';
import type { CheckoutLine, PaymentProvider } from '../ports/payment-provider.js';

/**
 * One of our prices as a line sent to a provider. Stripe's price id is kept on the price row
 * once known; price versions never change amount, so a stored id stays right.
 */
export const checkoutLine = (
  planName: string,
  price: PriceRow,
  quantity: number,
  providerName: string,
): CheckoutLine => ({
  planId: price.planId,
  planName,
  planPriceId: price.id,
  providerPriceId: providerName === 'stripe' ? price.stripePriceId : null,
  amountMinor: price.amountMinor,
  currency: price.currency,
  interval: price.interval as CheckoutLine['interval'],
  quantity,
});

/**
 * The provider's id for the line's price, creating the price there on first use only, and
 * remembering it so webhooks that name only the provider's price resolve to ours.
 */
export async function ensureProviderPrice(
  catalog: CatalogService,
  provider: PaymentProvider,
  line: CheckoutLine,
  idempotencyPrefix: string,
): Promise<string | null> {
  if (line.providerPriceId) return line.providerPriceId;
  const providerPriceId = await provider.ensurePrice(line, `${idempotencyPrefix}-price-${line.planPriceId}`);
  if (providerPriceId && provider.name === 'stripe')
    await catalog.rememberStripePrice(line.planPriceId, providerPriceId);
  return providerPriceId;
}
