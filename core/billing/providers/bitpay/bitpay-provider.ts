import { AppError } from '../../../errors.js';
import type { Clock } from '../../../ports/clock.js';
import type { CreateCheckoutInput, CryptoInvoiceFact, PaymentProvider } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { createBitpayClient } from './bitpay-client.js';
import type { BitpayInvoice } from './bitpay-invoice.js';
import { bitpayInvoiceFact, fiatDecimals } from './bitpay-invoice-fact.js';
import { acceptBitpayNotification, readBitpayNotification } from './bitpay-notification.js';
import { formatScaled } from './exact-decimal.js';

export interface BitpayProviderOptions {
  token: string;
  /** https://bitpay.com, https://test.bitpay.com, or a local stand-in (tests). */
  apiBase: string;
  /** Our public base: BitPay posts notifications to `${publicUrl}/v1/webhooks/bitpay`. */
  publicUrl: string;
  clock: Clock;
  timeoutMs?: number;
}

/** Invoices per page of a reconciliation listing. */
const listPageSize = 100;

/**
 * The PaymentProvider port over BitPay invoices. BitPay sells one invoice at a time: no
 * customers, prices, subscriptions or portal. Core runs crypto subscriptions on its own clock,
 * so the subscription operations are refused with `provider_operation_unsupported`.
 */
export const createBitpayProvider = (options: BitpayProviderOptions): PaymentProvider => {
  if (options.token.trim() === '')
    throw new AppError('provider_misconfigured', 'BitPay provider misconfigured: the token is empty', {
      status: 500,
      context: { provider: 'bitpay' },
    });
  const client = createBitpayClient({
    apiBase: options.apiBase,
    token: options.token,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const notificationUrl = `${options.publicUrl.replace(/\/+$/, '')}/v1/webhooks/bitpay`;
  const unsupported = (operation: string) => async (): Promise<never> => {
    throw new AppError('provider_operation_unsupported', `BitPay cannot ${operation}`, {
      status: 409,
      context: { provider: 'bitpay', operation },
    });
  };

  return {
    name: 'bitpay',

    ensureCustomer: async () => null,

    ensurePrice: async () => null,

    async createCheckout(input) {
      // A retried create (same checkout) finds the invoice made the first time.
      const existing = await client.getInvoiceByGuid(input.checkoutId);
      const invoice =
        existing ??
        (await client.createInvoice({
          ...invoicePrice(input),
          orderId: input.checkoutId,
          guid: input.checkoutId,
          // BitPay documents posData as at most 100 characters: two uuids in JSON are 103, so the
          // checkout id travels as orderId and guid, and posData carries the user id.
          posData: JSON.stringify({ [metadataKeys.userId]: input.userId }),
          itemDesc: input.lines
            .map((line) => line.planName)
            .join(', ')
            .slice(0, 100),
          notificationURL: notificationUrl,
          extendedNotifications: true,
          redirectURL: input.successUrl,
          closeURL: input.cancelUrl,
        }));
      if (!invoice.url)
        throw new AppError('provider_response_invalid', 'BitPay created an invoice without a payment link', {
          status: 502,
          context: { provider: 'bitpay', invoiceId: invoice.id },
        });
      return { providerSessionId: invoice.id, url: invoice.url, expiresAt: expiryOf(invoice, options.clock) };
    },

    verifyWebhook: (rawBody) => acceptBitpayNotification(rawBody, options.clock.now()),

    async parseEvent(payload) {
      const notification = readBitpayNotification(payload);
      if (notification === null) return { kind: 'ignore', reason: 'not a BitPay invoice notification' };
      // Only the invoice id is taken from the body; the state is what BitPay says now.
      const invoice = await client.getInvoice(notification.invoiceId);
      if (invoice === null) return { kind: 'ignore', reason: `BitPay has no invoice ${notification.invoiceId}` };
      return { kind: 'crypto_invoice.updated', invoice: bitpayInvoiceFact(invoice) };
    },

    async fetchCryptoInvoice(providerInvoiceId) {
      const invoice = await client.getInvoice(providerInvoiceId);
      return invoice === null ? null : bitpayInvoiceFact(invoice);
    },

    async listCryptoInvoicesSince(since) {
      const dateStart = since.toISOString().slice(0, 10);
      // BitPay's dateEnd is a whole date: tomorrow covers everything made today in any zone.
      const dateEnd = new Date(options.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
      const facts: CryptoInvoiceFact[] = [];
      for (let offset = 0; ; offset += listPageSize) {
        const page = await client.listInvoices({ dateStart, dateEnd, limit: listPageSize, offset });
        for (const invoice of page) {
          if (Number(invoice.invoiceTime) >= since.getTime()) facts.push(bitpayInvoiceFact(invoice));
        }
        if (page.length < listPageSize) return facts;
      }
    },

    fetchSubscription: unsupported('fetch a subscription'),
    changePlan: unsupported('change a plan'),
    previewPlanChange: unsupported('preview a plan change'),
    cancel: unsupported('cancel a subscription'),
    resume: unsupported('resume a subscription'),
    // Crypto cannot be sent back by the product; moderators record crypto refunds as manual.
    refund: unsupported('refund a payment'),
    // No self-service portal: the port's null, which core answers as portal_not_available.
    createPortalSession: async () => null,
  };
};

/** The invoice price in the plan's fiat currency: every line, less the promo code's discount. */
function invoicePrice(input: CreateCheckoutInput): { price: number; currency: string } {
  const currency = input.lines[0]?.currency;
  if (currency === undefined || input.lines.some((line) => line.currency !== currency))
    throw new AppError('provider_rejected', 'A BitPay invoice needs lines in one currency', {
      status: 400,
      context: { provider: 'bitpay' },
    });
  const totalMinor = input.lines.reduce((total, line) => total + BigInt(line.amountMinor) * BigInt(line.quantity), 0n);
  const discountMinor = discountOf(input, totalMinor, currency);
  const chargedMinor = totalMinor - discountMinor;
  // BitPay takes the price as a JSON number; a decimal with at most 15 digits survives that exactly.
  return {
    price: Number(formatScaled(chargedMinor, fiatDecimals(currency))),
    currency: currency.toUpperCase(),
  };
}

function discountOf(input: CreateCheckoutInput, totalMinor: bigint, currency: string): bigint {
  const discount = input.discount;
  if (!discount) return 0n;
  if (discount.percentOff !== null) {
    // Rounded half up, as Stripe rounds a percentage coupon.
    const off = (totalMinor * BigInt(Math.round(discount.percentOff * 100)) + 5_000n) / 10_000n;
    return off > totalMinor ? totalMinor : off;
  }
  if (discount.amountOffMinor !== null && discount.currency?.toLowerCase() === currency.toLowerCase()) {
    const off = BigInt(discount.amountOffMinor);
    return off > totalMinor ? totalMinor : off;
  }
  return 0n;
}

function expiryOf(invoice: BitpayInvoice, clock: Clock): Date {
  if (invoice.expirationTime) return new Date(Number(invoice.expirationTime));
  // BitPay's invoices stay payable 15 minutes.
  return new Date(clock.now().getTime() + 15 * 60_000);
}
