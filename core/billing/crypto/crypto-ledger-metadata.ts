import type { CryptoInvoiceFact } from '../../ports/payment-provider.js';

/**
 * What a crypto ledger entry carries besides its fiat amount: the coins, their exact decimal
 * amounts and the rates the processor priced them at, so any entry can be traced to the chain.
 */
export const cryptoLedgerMetadata = (fact: CryptoInvoiceFact) => ({
  invoice_id: fact.providerInvoiceId,
  invoice_state: fact.state,
  price_minor: fact.priceMinor,
  settled_minor: fact.settledMinor,
  paid_late: fact.paidLate,
  manually_marked: fact.manuallyMarked,
  payments: fact.payments
    .filter((payment) => payment.status === 'settled')
    .map((payment) => ({
      payment_id: payment.providerPaymentId,
      crypto_code: payment.cryptoCode,
      crypto_amount: payment.cryptoAmount,
      rate: payment.rate,
      fiat_minor: payment.fiatMinor,
    })),
});
