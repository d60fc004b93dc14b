import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { IncomingHeaders, VerifiedWebhook } from '../../../ports/payment-provider.js';

export const btcpaySignatureHeader = 'btcpay-sig';

/** The invoice events the product acts on; any other event is stored as ignored and answered 200. */
export const handledBtcpayEvents = [
  'InvoiceCreated',
  'InvoiceReceivedPayment',
  'InvoiceProcessing',
  'InvoicePaymentSettled',
  'InvoiceSettled',
  'InvoiceExpired',
  'InvoiceInvalid',
] as const;

type FailureReason = 'missing' | 'malformed' | 'mismatch';

const failureMessages: Record<FailureReason, string> = {
  missing: 'The BTCPay-Sig header is missing.',
  malformed: 'The BTCPay-Sig header is malformed (expected sha256=<64 hex digits>).',
  mismatch: 'The BTCPay-Sig does not match the payload (signature mismatch).',
};

const signatureInvalid = (reason: FailureReason) =>
  new AppError('webhook_signature_invalid', failureMessages[reason], {
    status: 400,
    context: { provider: 'btcpay', reason },
  });

// BTCPay signs with the UTF-8 bytes of the webhook secret over the raw body (WebhookSender.cs).
const hmac = (secret: string, body: string | Buffer): Buffer =>
  createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest();

/** The header value BTCPay sends: used by the local BTCPay stand-in the tests run. */
export function signBtcpayPayload(body: string | Buffer, secret: string): string {
  return `sha256=${hmac(secret, body).toString('hex')}`;
}

const headerPattern = /^sha256=([0-9a-f]{64})$/;

// Only what the dedupe key and the event type need; everything else is fetched from BTCPay.
const deliverySchema = z.object({
  deliveryId: z.string().min(1).max(100),
  originalDeliveryId: z.string().min(1).max(100).nullish(),
  type: z.string().min(1).max(100),
});

/**
 * Checks `BTCPay-Sig` over the exact raw bytes in constant time, against every secret valid
 * during a rotation. BTCPay signs no timestamp: a replayed delivery is stopped by the inbox's
 * unique key, the original delivery id (a redelivery from BTCPay's UI carries the same one).
 */
export function verifyBtcpayWebhook(
  webhookSecrets: readonly string[],
  rawBody: Buffer,
  headers: IncomingHeaders,
): VerifiedWebhook {
  const header = headers[btcpaySignatureHeader];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw signatureInvalid('missing');
  const match = headerPattern.exec(value.trim().toLowerCase());
  if (!match) throw signatureInvalid('malformed');
  const received = Buffer.from(match[1]!, 'hex');
  const matches = webhookSecrets.some((secret) => timingSafeEqual(hmac(secret, rawBody), received));
  if (!matches) throw signatureInvalid('mismatch');
  let delivery: z.infer<typeof deliverySchema>;
  try {
    delivery = deliverySchema.parse(JSON.parse(rawBody.toString('utf8')));
  } catch {
    // The signature matched, so the bytes are BTCPay's; they just are not a delivery we can read.
    throw new AppError('webhook_payload_invalid', 'The BTCPay webhook body is not a webhook delivery.', {
      status: 400,
      context: { provider: 'btcpay' },
    });
  }
  return {
    providerEventId: delivery.originalDeliveryId ?? delivery.deliveryId,
    eventType: delivery.type,
    handled: (handledBtcpayEvents as readonly string[]).includes(delivery.type),
  };
}
