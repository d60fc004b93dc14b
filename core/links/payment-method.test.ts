import { describe, expect, it } from 'vitest';
import type { PaymentProvider } from '../ports/payment-provider.js';
import { providerForMethod } from './payment-method.js';

const registered = (...names: string[]) => new Map(names.map((name) => [name, { name } as unknown as PaymentProvider]));

const codeOf = (run: () => unknown) => {
  try {
    return run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('payment method to provider', () => {
  it('cards go to the default provider', () => {
    expect(
      providerForMethod('card', { providers: registered('stripe'), defaultProvider: 'stripe', sandboxMode: false }),
    ).toBe('stripe');
    expect(
      providerForMethod('card', { providers: registered('sandbox'), defaultProvider: 'sandbox', sandboxMode: true }),
    ).toBe('sandbox');
  });

  it('crypto goes to a crypto processor when one is registered, even in sandbox mode', () => {
    const providers = registered('sandbox', 'stripe', 'bitpay');
    expect(providerForMethod('crypto', { providers, defaultProvider: 'sandbox', sandboxMode: true })).toBe('bitpay');
    expect(
      providerForMethod('crypto', {
        providers: registered('btcpay', 'bitpay'),
        defaultProvider: 'x',
        sandboxMode: false,
      }),
    ).toBe('btcpay');
  });

  it('crypto with no processor is the sandbox while trying the shop out, and refused in production', () => {
    expect(
      providerForMethod('crypto', { providers: registered('sandbox'), defaultProvider: 'sandbox', sandboxMode: true }),
    ).toBe('sandbox');
    expect(
      codeOf(() =>
        providerForMethod('crypto', {
          providers: registered('stripe', 'sandbox'),
          defaultProvider: 'stripe',
          sandboxMode: false,
        }),
      ),
    ).toBe('crypto_not_available');
  });
});
