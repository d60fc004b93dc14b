import { AppError } from '../errors.js';
import type { PaymentProvider } from '../ports/payment-provider.js';
import { isStorableText } from '../validation/edge-text.js';

/** Retrying cannot help, so it is a 400: a 5xx would have the provider redeliver it for days. */
export const unstorableEvent = (providerName: string, cause?: unknown) =>
  new AppError(
    'webhook_payload_invalid',
    'The event id or type holds a NUL character or a lone surrogate, which cannot be stored.',
    { status: 400, context: { provider: providerName, reason: 'unstorable_text' }, cause },
  );

/** A signed event is still refused when its id or type is text no column can hold. */
export function refuseUnstorableEvent(providerName: string, verified: ReturnType<PaymentProvider['verifyWebhook']>) {
  if (!isStorableText(verified.providerEventId) || !isStorableText(verified.eventType))
    throw unstorableEvent(providerName);
}
