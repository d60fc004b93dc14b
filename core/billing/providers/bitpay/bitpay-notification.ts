import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { VerifiedWebhook } from '../../../ports/payment-provider.js';
import { parseJsonExactNumbers } from './exact-json.js';

/** BitPay invoice ids are short base58 strings; anything else never reaches a URL of ours. */
const invoiceId = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

/** Extended notifications (what we ask for): `{ event: { code, name }, data: { id, ... } }`. */
const extendedSchema = z.object({
  event: z.object({ code: z.string(), name: z.string().min(1).max(100) }),
  data: z.object({ id: invoiceId }),
});

/** Standard notifications (extendedNotifications off): the invoice itself, flat. */
const standardSchema = z.object({ id: invoiceId, status: z.string().regex(/^[A-Za-z_]{1,50}$/) });

export interface BitpayNotification {
  invoiceId: string;
  /** `invoice_confirmed` and friends; a standard notification is named after the status it claims. */
  eventType: string;
}

/** The invoice a notification names, and nothing else of what it claims. */
export function readBitpayNotification(rawBody: string): BitpayNotification | null {
  let parsed: unknown;
  try {
    parsed = parseJsonExactNumbers(rawBody);
  } catch {
    return null;
  }
  const extended = extendedSchema.safeParse(parsed);
  if (extended.success) return { invoiceId: extended.data.data.id, eventType: extended.data.event.name };
  const standard = standardSchema.safeParse(parsed);
  if (standard.success) return { invoiceId: standard.data.id, eventType: `invoice_${standard.data.status}` };
  return null;
}

/**
 * BitPay does not sign its notifications, so there is nothing to verify: a body that reads as
 * a notification is accepted, anything else is refused with 400. The inbox key trusts nothing
 * in the body (a forged notification must not occupy the key of the real one that follows):
 * it is the invoice id plus the moment received plus randomness, so every delivery is stored,
 * and processing fetches the invoice from BitPay and deduplicates on what BitPay returned.
 */
export function acceptBitpayNotification(rawBody: Buffer, receivedAt: Date): VerifiedWebhook {
  const notification = readBitpayNotification(rawBody.toString('utf8'));
  if (notification === null)
    throw new AppError('webhook_payload_invalid', 'The body is not a BitPay invoice notification.', {
      status: 400,
      context: { provider: 'bitpay' },
    });
  return {
    providerEventId: `bitpay:${notification.invoiceId}:${receivedAt.getTime()}:${randomBytes(8).toString('hex')}`,
    eventType: notification.eventType,
    // Every invoice notification only triggers a fetch; other kinds (bills, payouts) are not ours.
    handled: notification.eventType.startsWith('invoice_'),
  };
}
