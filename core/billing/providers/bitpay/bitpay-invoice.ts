import { z } from 'zod';

/**
 * A BitPay invoice as read by `parseJsonExactNumbers`: every number is the decimal string
 * BitPay wrote. Only the fields the product reads are listed; the rest pass through unread.
 */
const decimalText = z.string().regex(/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/);

export const bitpayInvoiceStatuses = [
  'new',
  'paid',
  'confirmed',
  'complete',
  'expired',
  'invalid',
  'declined',
  'refunded',
] as const;

export const bitpayInvoiceSchema = z.object({
  id: z.string().min(1),
  url: z.string().optional(),
  status: z.enum(bitpayInvoiceStatuses),
  price: decimalText,
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  orderId: z.string().nullish(),
  posData: z.string().nullish(),
  guid: z.string().nullish(),
  invoiceTime: decimalText,
  expirationTime: decimalText.nullish(),
  /** `false`, or `paidPartial` / `paidOver` / `paidLate` (and BitPay may add others). */
  exceptionStatus: z.union([z.literal(false), z.string()]).nullish(),
  /** In the smallest unit of the transaction currency (satoshi, wei). */
  amountPaid: decimalText.nullish(),
  transactionCurrency: z.string().nullish(),
  transactionSpeed: z.string().nullish(),
  buyerProvidedInfo: z.object({ selectedTransactionCurrency: z.string().nullish() }).nullish(),
  transactions: z
    .array(
      z.object({
        amount: decimalText,
        confirmations: decimalText.nullish(),
        txid: z.string().min(1),
        exRates: z.record(z.string(), decimalText).nullish(),
      }),
    )
    .nullish(),
  /** What the buyer must send in each currency (smallest unit), network fee included. */
  paymentTotals: z.record(z.string(), decimalText).nullish(),
  paymentDisplayTotals: z.record(z.string(), z.string()).nullish(),
  exchangeRates: z.record(z.string(), z.record(z.string(), decimalText)).nullish(),
});

export type BitpayInvoice = z.infer<typeof bitpayInvoiceSchema>;

/** BitPay's envelope: `{ facade, data }` on success (API v2). */
export const bitpayEnvelopeSchema = z.object({ data: z.unknown() });
