import Stripe from 'stripe';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { Clock } from '../../../ports/clock.js';
import type { IncomingHeaders, VerifiedWebhook } from '../../../ports/payment-provider.js';
import { signedTimestampOf, webhookTimestampRefusal } from '../../../webhooks/webhook-timestamp.js';
import { isHandledStripeEventType } from './handled-stripe-events.js';

export interface StripeWebhookVerification {
  /** Every secret currently valid: during a rotation both the old and the new one are listed. */
  webhookSecrets: readonly string[];
  toleranceSeconds: number;
  clock: Clock;
}

const eventEnvelopeSchema = z.object({ id: z.string().min(1), type: z.string().min(1) });

type SignatureFailure = 'stale' | 'future' | 'mismatch' | 'malformed';

/**
 * Checks the Stripe-Signature header over the exact raw bytes with the SDK's own scheme.
 * The age of the signature is measured against our clock (the system clock in production), so
 * tests can move time instead of re-signing fixtures.
 */
export const verifyStripeWebhook = (
  stripe: Stripe,
  verification: StripeWebhookVerification,
  rawBody: Buffer,
  headers: IncomingHeaders,
): VerifiedWebhook => {
  const signatureHeader = readSignatureHeader(headers);
  const receivedAt = verification.clock.now().getTime();
  const failures: SignatureFailure[] = [];
  for (const secret of verification.webhookSecrets) {
    let event: unknown;
    try {
      event = stripe.webhooks.constructEvent(
        rawBody,
        signatureHeader,
        secret,
        verification.toleranceSeconds,
        undefined,
        receivedAt,
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        failures.push(classifyFailure(error));
        continue;
      }
      // The signature matched, so the bytes are Stripe's; they just are not an event we can read.
      throw payloadInvalid(error);
    }
    // The SDK checks only the age, so a signature dated ahead would stay valid until that date.
    const refusal = webhookTimestampRefusal(
      signedTimestampOf(signatureHeader) ?? Number.NaN,
      Math.floor(receivedAt / 1000),
      verification.toleranceSeconds,
    );
    if (refusal !== null) throw signatureInvalid(refusal, verification.toleranceSeconds);
    const envelope = eventEnvelopeSchema.safeParse(event);
    if (!envelope.success) throw payloadInvalid(envelope.error);
    return {
      providerEventId: envelope.data.id,
      eventType: envelope.data.type,
      handled: isHandledStripeEventType(envelope.data.type),
    };
  }
  throw signatureInvalid(mostTellingFailure(failures), verification.toleranceSeconds);
};

const readSignatureHeader = (headers: IncomingHeaders): string => {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'stripe-signature');
  const value = entry?.[1];
  const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  if (Array.isArray(value) && value.length > 1) {
    throw new AppError('webhook_signature_invalid', 'Stripe-Signature header was sent more than once', {
      status: 400,
      context: { provider: 'stripe', reason: 'malformed' },
    });
  }
  if (single === undefined || single.trim() === '') {
    throw new AppError('webhook_signature_missing', 'Stripe-Signature header is missing', {
      status: 400,
      context: { provider: 'stripe' },
    });
  }
  return single;
};

/** The SDK only reports these cases through its messages; the wording has been stable for years. */
const classifyFailure = (error: InstanceType<typeof Stripe.errors.StripeSignatureVerificationError>) => {
  if (/tolerance/i.test(error.message)) return 'stale';
  if (/unable to extract|expected scheme/i.test(error.message)) return 'malformed';
  return 'mismatch';
};

/** A stale signature means one secret did match: that says more than the others' mismatches. */
const mostTellingFailure = (failures: SignatureFailure[]): SignatureFailure => {
  if (failures.includes('stale')) return 'stale';
  if (failures.includes('malformed')) return 'malformed';
  return 'mismatch';
};

const signatureInvalid = (failure: SignatureFailure, toleranceSeconds: number): AppError => {
  const messages: Record<SignatureFailure, string> = {
    stale: `Stripe webhook signature timestamp outside tolerance (${toleranceSeconds} s)`,
    future: `Stripe webhook signature timestamp outside tolerance (${toleranceSeconds} s): dated in the future`,
    malformed: 'Stripe-Signature header is malformed',
    mismatch: 'Stripe webhook signature does not match the body with any configured secret',
  };
  return new AppError('webhook_signature_invalid', messages[failure], {
    status: 400,
    context: { provider: 'stripe', reason: failure },
  });
};

const payloadInvalid = (cause: unknown): AppError =>
  new AppError('webhook_payload_invalid', 'Stripe webhook body is not a readable event', {
    status: 400,
    context: { provider: 'stripe' },
    cause,
  });
