import { badRequest } from '../errors.js';
import type { PaymentProvider } from '../ports/payment-provider.js';

export const paymentMethods = ['card', 'crypto'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/** Crypto processors, in order of preference, when one is registered. */
const cryptoProviders = ['btcpay', 'bitpay'];

/**
 * Which provider takes a payment method: cards go to the default provider (Stripe in stripe
 * mode, the sandbox otherwise); crypto to BTCPay or BitPay when registered, or to the
 * sandbox while trying the shop out. Resolved again when the link is opened, so a link
 * outlives a provider being added or removed.
 */
export function providerForMethod(
  method: PaymentMethod,
  options: { providers: ReadonlyMap<string, PaymentProvider>; defaultProvider: string; sandboxMode: boolean },
): string {
  if (method === 'card') return options.defaultProvider;
  const crypto = cryptoProviders.find((name) => options.providers.has(name));
  if (crypto) return crypto;
  if (options.sandboxMode && options.providers.has('sandbox')) return 'sandbox';
  throw badRequest('crypto_not_available', 'Crypto payments are not set up here; pay by card instead.');
}
