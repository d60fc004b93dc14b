import type { CryptoInvoiceFact, CryptoPaymentFact } from '../../../ports/payment-provider.js';

/** A BTC payment worth `fiatMinor` at a fixed test rate (USD 50,000.00 per BTC), exact decimal strings. */
export function btcPayment(id: string, fiatMinor: number, status: CryptoPaymentFact['status'] = 'settled') {
  const satoshis = BigInt(fiatMinor) * 2000n; // 1 cent = 2,000 sat at 50,000 USD/BTC
  const whole = satoshis / 100_000_000n;
  const fraction = (satoshis % 100_000_000n).toString().padStart(8, '0');
  return {
    providerPaymentId: id,
    cryptoCode: 'BTC',
    cryptoAmount: `${whole}.${fraction}`,
    rate: '50000.00',
    fiatMinor,
    status,
  } satisfies CryptoPaymentFact;
}

/**
 * Crypto invoice facts for tests, as an adapter would return them after fetching the invoice:
 * `settledMinor` and `pendingMinor` follow from the payments given.
 */
export function cryptoInvoice(
  base: Pick<CryptoInvoiceFact, 'providerInvoiceId' | 'checkoutId' | 'userId' | 'priceMinor'> &
    Partial<Omit<CryptoInvoiceFact, 'settledMinor' | 'pendingMinor'>>,
): CryptoInvoiceFact {
  const payments = base.payments ?? [];
  const sum = (status: CryptoPaymentFact['status']) =>
    payments.filter((payment) => payment.status === status).reduce((total, payment) => total + payment.fiatMinor, 0);
  return {
    provider: 'btcpay',
    state: 'open',
    currency: 'usd',
    paidLate: false,
    manuallyMarked: false,
    createdAt: new Date('2026-11-01T12:00:00.000Z'),
    ...base,
    payments,
    settledMinor: sum('settled'),
    pendingMinor: sum('pending'),
  };
}

/** Facts travel through the inbox as JSON; dates come back as Dates. */
export const serializeFact = (fact: CryptoInvoiceFact) => JSON.stringify(fact);
export const parseFact = (payload: string): CryptoInvoiceFact => {
  const parsed = JSON.parse(payload) as CryptoInvoiceFact & { createdAt: string };
  return { ...parsed, createdAt: new Date(parsed.createdAt) };
};
