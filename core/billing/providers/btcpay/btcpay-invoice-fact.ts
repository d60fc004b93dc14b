import type { CryptoInvoiceFact, CryptoPaymentFact } from '../../../ports/payment-provider.js';
import { cryptoToFiatMinor, decimalToMinor } from '../../crypto/decimal-money.js';
import type { BtcpayInvoice, BtcpayInvoicePaymentMethod } from './btcpay-client.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const states: Record<string, CryptoInvoiceFact['state']> = {
  New: 'open',
  Processing: 'processing',
  Settled: 'settled',
  Expired: 'expired',
  Invalid: 'invalid',
};

const paymentStates: Record<string, CryptoPaymentFact['status']> = {
  Processing: 'pending',
  Settled: 'settled',
  Invalid: 'invalid',
};

const stringOf = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * BTCPay's invoice and its payment methods, as fetched, in our terms. Every payment is valued
 * at its payment method's rate in the invoice's currency (exact decimal math); what counts is
 * what BTCPay says was settled, never a webhook body.
 */
export function btcpayInvoiceFact(
  invoice: BtcpayInvoice,
  paymentMethods: BtcpayInvoicePaymentMethod[],
): CryptoInvoiceFact {
  const currency = (invoice.currency ?? '').toLowerCase();
  const metadata = (invoice.metadata ?? {}) as Record<string, unknown>;
  const orderId = stringOf(metadata.orderId);
  const payments: CryptoPaymentFact[] = [];
  for (const method of paymentMethods) {
    const rate = stringOf(method.rate);
    const cryptoCode = stringOf(method.currency) ?? stringOf(method.paymentMethodId) ?? 'unknown';
    for (const payment of method.payments ?? []) {
      const value = stringOf(payment.value);
      const id = stringOf(payment.id);
      if (!value || !id || !rate) continue;
      payments.push({
        providerPaymentId: id,
        cryptoCode,
        cryptoAmount: value,
        rate,
        fiatMinor: cryptoToFiatMinor(value, rate, currency),
        status: paymentStates[payment.status ?? ''] ?? 'pending',
      });
    }
  }
  const total = (status: CryptoPaymentFact['status']) =>
    payments.filter((payment) => payment.status === status).reduce((sum, payment) => sum + payment.fiatMinor, 0);
  const status = invoice.status ?? 'New';
  return {
    provider: 'btcpay',
    providerInvoiceId: invoice.id ?? '',
    checkoutId: orderId && uuidPattern.test(orderId) ? orderId : null,
    userId: stringOf(metadata.userId),
    // A store marking an invoice invalid after it settled shows as Invalid: the grant is undone.
    state: states[status] ?? 'open',
    priceMinor: decimalToMinor(String(invoice.amount ?? '0'), currency),
    currency,
    settledMinor: total('settled'),
    pendingMinor: total('pending'),
    paidLate: invoice.additionalStatus === 'PaidLate',
    manuallyMarked: invoice.additionalStatus === 'Marked',
    payments,
    createdAt: new Date((invoice.createdTime ?? 0) * 1000),
  };
}
