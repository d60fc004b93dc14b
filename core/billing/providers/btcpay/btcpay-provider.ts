import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { CreateCheckoutInput, PaymentProvider } from '../../../ports/payment-provider.js';
import { minorToDecimal } from '../../crypto/decimal-money.js';
import { type BtcpayConnection, createBtcpayClient } from './btcpay-client.js';
import { btcpayInvoiceFact } from './btcpay-invoice-fact.js';
import { verifyBtcpayWebhook } from './verify-btcpay-webhook.js';

export interface BtcpayProviderOptions extends BtcpayConnection {
  /** Every webhook secret currently valid (several during a rotation). */
  webhookSecrets: string[];
}

// Invoices BTCPay can still be paid on: a retried checkout reuses one rather than making a second.
const reusableStatuses = new Set(['New', 'Processing', 'Settled']);

const storedDeliverySchema = z.object({ invoiceId: z.string().min(1).max(100), type: z.string() });

/** What a crypto processor cannot do: core runs crypto subscriptions itself (prepaid periods). */
const unsupported = (operation: string) =>
  new AppError('provider_operation_unsupported', `BTCPay has no ${operation}: crypto plans are prepaid periods.`, {
    status: 400,
    context: { provider: 'btcpay', operation },
  });

/**
 * The PaymentProvider port over BTCPay Server's Greenfield API. A checkout is an invoice whose
 * orderId is our checkout id; a webhook is only a hint: the invoice and its payments are
 * fetched from BTCPay before anything is decided.
 */
export function createBtcpayProvider(options: BtcpayProviderOptions): PaymentProvider {
  const client = createBtcpayClient(options);

  async function fetchFact(invoiceId: string) {
    const [invoice, paymentMethods] = await Promise.all([
      client.getInvoice(invoiceId),
      client.getInvoicePaymentMethods(invoiceId),
    ]);
    return btcpayInvoiceFact(invoice, paymentMethods);
  }

  async function createInvoice(input: CreateCheckoutInput) {
    const existing = (await client.findInvoicesByOrderId(input.checkoutId)).find((invoice) =>
      reusableStatuses.has(invoice.status ?? ''),
    );
    if (existing) return existing;
    const currency = input.lines[0]?.currency ?? 'usd';
    const gross = input.lines.reduce((sum, line) => sum + line.amountMinor * line.quantity, 0);
    const discount = input.discount;
    const off = !discount
      ? 0
      : discount.percentOff !== null
        ? Math.round((gross * discount.percentOff) / 100)
        : Math.min(gross, discount.amountOffMinor ?? 0);
    const minutesLeft = input.expiresAt
      ? Math.max(1, Math.floor((input.expiresAt.getTime() - Date.now()) / 60_000))
      : undefined;
    return client.createInvoice({
      amount: minorToDecimal(gross - off, currency),
      currency: currency.toUpperCase(),
      metadata: {
        ...input.metadata,
        orderId: input.checkoutId,
        userId: input.userId,
        itemDesc: input.lines.map((line) => line.planName).join(', '),
      },
      checkout: {
        redirectURL: input.successUrl,
        redirectAutomatically: true,
        // BTCPay settles exactly; our own tolerance (CRYPTO_UNDERPAYMENT_TOLERANCE_BPS) decides what counts.
        paymentTolerance: 0,
        ...(minutesLeft === undefined ? {} : { expirationMinutes: minutesLeft }),
      },
    });
  }

  return {
    name: 'btcpay',
    ensureCustomer: async () => null,
    ensurePrice: async () => null,

    async createCheckout(input) {
      const invoice = await createInvoice(input);
      if (!invoice.id || !invoice.checkoutLink)
        throw new AppError('provider_response_invalid', 'BTCPay answered an invoice without an id or link', {
          status: 502,
          context: { provider: 'btcpay' },
        });
      return {
        providerSessionId: invoice.id,
        url: invoice.checkoutLink,
        expiresAt: new Date((invoice.expirationTime ?? 0) * 1000),
      };
    },

    verifyWebhook: (rawBody, headers) => verifyBtcpayWebhook(options.webhookSecrets, rawBody, headers),

    async parseEvent(payload) {
      const delivery = storedDeliverySchema.safeParse(JSON.parse(payload));
      if (!delivery.success) return { kind: 'ignore', reason: 'not a BTCPay invoice delivery' };
      try {
        return { kind: 'crypto_invoice.updated', invoice: await fetchFact(delivery.data.invoiceId) };
      } catch (error) {
        // An invoice BTCPay does not know (another store's, or deleted) changes nothing here.
        if (error instanceof AppError && error.code === 'provider_resource_missing')
          return { kind: 'ignore', reason: 'BTCPay does not know this invoice' };
        throw error;
      }
    },

    fetchCryptoInvoice: async (invoiceId) => {
      try {
        return await fetchFact(invoiceId);
      } catch (error) {
        if (error instanceof AppError && error.code === 'provider_resource_missing') return null;
        throw error;
      }
    },

    async listCryptoInvoicesSince(since) {
      const invoices = await client.listInvoicesSince(since);
      return Promise.all(invoices.filter((invoice) => invoice.id).map((invoice) => fetchFact(invoice.id!)));
    },

    fetchSubscription: async () => null,
    changePlan: async () => {
      throw unsupported('plan change');
    },
    previewPlanChange: async () => {
      throw unsupported('plan change');
    },
    cancel: async () => {
      throw unsupported('subscription cancel');
    },
    resume: async () => {
      throw unsupported('subscription resume');
    },
    refund: async () => {
      throw unsupported('refund (crypto is refunded by hand and recorded as manual)');
    },
    createPortalSession: async () => null,
  };
}
