import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { NormalizedEvent, PaymentFact, PriceReference } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import {
  type SandboxLine,
  type SandboxPaymentObject,
  sandboxCheckoutObject,
  sandboxDisputeObject,
  sandboxPaymentObject,
  sandboxSubscriptionObject,
} from './sandbox-objects.js';

export const sandboxEventTypes = [
  'checkout.completed',
  'checkout.declined',
  'subscription.created',
  'subscription.updated',
  'subscription.deleted',
  'payment.succeeded',
  'payment.failed',
  'charge.refunded',
  'dispute.created',
  'dispute.closed',
] as const;

export type SandboxEventType = (typeof sandboxEventTypes)[number];

// A declined checkout changes nothing core keeps, so it is stored as ignored like an unknown type.
const handledEventTypes: ReadonlySet<string> = new Set(
  sandboxEventTypes.filter((type) => type !== 'checkout.declined'),
);

export const isHandledSandboxEventType = (eventType: string): boolean => handledEventTypes.has(eventType);

export const sandboxEventEnvelope = z.object({
  id: z.string().startsWith('sbx_evt_'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export type SandboxEventEnvelope = z.infer<typeof sandboxEventEnvelope>;

const payloadInvalid = (message: string, context: Record<string, unknown> = {}) =>
  new AppError('webhook_payload_invalid', message, {
    status: 400,
    retryable: false,
    context: { provider: 'sandbox', ...context },
  });

const describeIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/** Reads the envelope from the exact payload text; anything unreadable is `webhook_payload_invalid`. */
export function parseSandboxEnvelope(payload: string | Buffer): SandboxEventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    throw payloadInvalid('The sandbox event is not valid JSON.');
  }
  const parsed = sandboxEventEnvelope.safeParse(json);
  if (!parsed.success) throw payloadInvalid(`The sandbox event envelope is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function buildSandboxEventBody(
  id: string,
  type: SandboxEventType,
  createdSeconds: number,
  object: Record<string, unknown>,
): string {
  return JSON.stringify({ id, type, created: createdSeconds, data: { object } });
}

function readObject<Schema extends z.ZodType>(schema: Schema, envelope: SandboxEventEnvelope): z.infer<Schema> {
  const parsed = schema.safeParse(envelope.data.object);
  if (!parsed.success)
    throw payloadInvalid(`The ${envelope.type} object is invalid: ${describeIssues(parsed.error)}`, {
      event_id: envelope.id,
    });
  return parsed.data;
}

const fromSeconds = (seconds: number) => new Date(seconds * 1000);
const fromOptionalSeconds = (seconds: number | null) => (seconds === null ? null : fromSeconds(seconds));

/** The sandbox sells our own prices, so each line already names our plan price. */
export const toPriceReferences = (lines: SandboxLine[]): PriceReference[] =>
  lines.map((line) => ({ planPriceId: line.plan_price_id, providerPriceId: null, quantity: line.quantity }));

function toPaymentFact(payment: SandboxPaymentObject, eventId: string): PaymentFact {
  if (payment.status !== 'succeeded' || payment.paid_at === null)
    throw payloadInvalid('A paid sandbox payment must have status succeeded and paid_at.', { event_id: eventId });
  return {
    providerPaymentId: payment.id,
    // The sandbox has no separate charge object: refunds and disputes name the payment itself.
    chargeReference: payment.id,
    kind: payment.kind,
    userId: payment.metadata[metadataKeys.userId] ?? null,
    providerCustomerId: payment.customer,
    providerSubscriptionId: payment.subscription,
    items: toPriceReferences(payment.lines),
    amountMinor: payment.amount_minor,
    currency: payment.currency,
    paidAt: fromSeconds(payment.paid_at),
    periodStart: fromOptionalSeconds(payment.period_start),
    periodEnd: fromOptionalSeconds(payment.period_end),
  };
}

/** Turns a verified envelope into our event; unknown and ignored types become `ignore`. */
export function normalizeSandboxEvent(envelope: SandboxEventEnvelope): NormalizedEvent {
  switch (envelope.type) {
    case 'checkout.completed': {
      const checkout = readObject(sandboxCheckoutObject, envelope);
      return {
        kind: 'checkout.completed',
        providerSessionId: checkout.id,
        checkoutId: checkout.metadata[metadataKeys.checkoutId] ?? null,
        userId: checkout.metadata[metadataKeys.userId] ?? checkout.user_id,
        providerCustomerId: checkout.customer,
        providerSubscriptionId: checkout.subscription,
        payment: checkout.payment ? toPaymentFact(checkout.payment, envelope.id) : null,
      };
    }
    case 'checkout.declined':
      return { kind: 'ignore', reason: 'A declined sandbox checkout changes nothing.' };
    case 'subscription.created':
    case 'subscription.updated':
    case 'subscription.deleted': {
      const subscription = readObject(sandboxSubscriptionObject, envelope);
      return {
        kind: 'subscription.changed',
        providerSubscriptionId: subscription.id,
        userId: subscription.metadata[metadataKeys.userId] ?? null,
        providerCustomerId: subscription.customer,
      };
    }
    case 'payment.succeeded':
      return {
        kind: 'payment.succeeded',
        payment: toPaymentFact(readObject(sandboxPaymentObject, envelope), envelope.id),
      };
    case 'payment.failed': {
      const payment = readObject(sandboxPaymentObject, envelope);
      return {
        kind: 'payment.failed',
        providerPaymentId: payment.id,
        providerSubscriptionId: payment.subscription,
        providerCustomerId: payment.customer,
        userId: payment.metadata[metadataKeys.userId] ?? null,
        amountMinor: payment.amount_minor,
        currency: payment.currency,
        occurredAt: fromSeconds(payment.failed_at ?? envelope.created),
      };
    }
    case 'charge.refunded': {
      const payment = readObject(sandboxPaymentObject, envelope);
      return {
        kind: 'refund.updated',
        chargeReference: payment.id,
        providerChargeId: payment.id,
        providerCustomerId: payment.customer,
        amountRefundedMinor: payment.amount_refunded_minor,
        amountMinor: payment.amount_minor,
        currency: payment.currency,
        occurredAt: fromSeconds(envelope.created),
      };
    }
    case 'dispute.created':
    case 'dispute.closed': {
      const dispute = readObject(sandboxDisputeObject, envelope);
      return {
        kind: 'dispute.updated',
        providerDisputeId: dispute.id,
        chargeReference: dispute.payment,
        providerChargeId: dispute.payment,
        status: dispute.status,
        amountMinor: dispute.amount_minor,
        currency: dispute.currency,
        occurredAt: fromSeconds(dispute.closed_at ?? dispute.created),
        openedAt: fromSeconds(dispute.created),
      };
    }
    default:
      return { kind: 'ignore', reason: `Sandbox event type ${envelope.type} is not handled.` };
  }
}
