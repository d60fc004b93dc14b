import { randomUUID } from 'node:crypto';
import type { CryptoInvoiceFact, CryptoProviderName, PaymentProvider } from '../../../ports/payment-provider.js';
import type { TestApp } from '../../../testing/test-core.js';
import { parseFact, serializeFact } from './crypto-invoice-builder.js';

const refused = () => {
  throw new Error('the fake crypto provider only delivers invoice facts');
};

/**
 * A crypto processor for core tests: every delivery carries the fact its real adapter would
 * have fetched, so a test drives the real inbox, processor and core with exact facts.
 */
export function installFakeCryptoProvider(harness: TestApp, name: CryptoProviderName = 'btcpay') {
  const provider: PaymentProvider = {
    name,
    ensureCustomer: async () => null,
    ensurePrice: async () => null,
    createCheckout: refused,
    verifyWebhook: (rawBody) => {
      const { deliveryId } = JSON.parse(rawBody.toString('utf8')) as { deliveryId: string };
      return { providerEventId: deliveryId, eventType: 'InvoiceUpdated', handled: true };
    },
    parseEvent: async (payload) => ({
      kind: 'crypto_invoice.updated',
      invoice: parseFact(JSON.stringify((JSON.parse(payload) as { fact: unknown }).fact)),
    }),
    fetchSubscription: async () => null,
    changePlan: refused,
    previewPlanChange: refused,
    cancel: refused,
    resume: refused,
    refund: refused,
    createPortalSession: async () => null,
  };
  harness.core.providers.set(name, provider);
  return {
    /** One webhook delivery of this fact (a fresh delivery id each time), stored and queued, not yet processed. */
    async ingest(fact: CryptoInvoiceFact) {
      const body = JSON.stringify({ deliveryId: randomUUID(), fact: JSON.parse(serializeFact(fact)) });
      await harness.core.ingestWebhook(name, Buffer.from(body), {});
    },
    /** One delivery of this fact, processed to the end. */
    async deliver(fact: CryptoInvoiceFact) {
      await this.ingest(fact);
      await harness.drain();
    },
  };
}
