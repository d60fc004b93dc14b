import type { Database } from '../../../../db/client.js';
import type { Clock } from '../../../ports/clock.js';
import type { IncomingHeaders, PaymentProvider } from '../../../ports/payment-provider.js';
import { toUnixSeconds } from './sandbox-billing-period.js';
import { createSandboxCheckouts } from './sandbox-checkouts.js';
import type { SandboxContext } from './sandbox-context.js';
import type { SandboxControls } from './sandbox-controls.js';
import { createSandboxEventOutbox, type SandboxDeliver } from './sandbox-event-outbox.js';
import { isHandledSandboxEventType, normalizeSandboxEvent, parseSandboxEnvelope } from './sandbox-events.js';
import { createSandboxPayments } from './sandbox-payments.js';
import { createSandboxRenewals } from './sandbox-renewals.js';
import { sandboxSignatureHeader, verifySandboxSignature } from './sandbox-signature.js';
import { listSandboxRows, readSandboxObject } from './sandbox-store.js';
import { createSandboxSubscriptionChanges } from './sandbox-subscription-changes.js';
import { toSubscriptionSnapshot } from './sandbox-subscription-snapshot.js';

export type SandboxProvider = PaymentProvider & SandboxControls;

export interface SandboxProviderOptions {
  db: Database;
  webhookSecret: string;
  toleranceSeconds: number;
  /** The app's public origin; hosted checkout and portal pages live under it. */
  publicUrl: string;
  clock: Clock;
  /** Posts one signed webhook to `POST /v1/webhooks/sandbox`; throws when it was not accepted. */
  deliver: SandboxDeliver;
}

const defaultListLimit = 200;

/** Node lower-cases header names; a repeated header is ambiguous, so it counts as malformed. */
function signatureHeader(headers: IncomingHeaders): string | undefined {
  const value = headers[sandboxSignatureHeader];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : '';
  return value;
}

/**
 * The offline payment provider: a fake processor inside the app whose "remote" state lives in
 * `sandbox_objects`. Core reaches it through the port; it answers only through signed webhooks,
 * exactly like a real provider, so the whole money path runs without a network.
 */
export function createSandboxProvider(options: SandboxProviderOptions): SandboxProvider {
  const { db, clock, webhookSecret, toleranceSeconds } = options;
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const outbox = createSandboxEventOutbox({ db, clock, webhookSecret, deliver: options.deliver });
  const context: SandboxContext = { db, clock, webhookSecret, publicUrl, outbox };
  const checkouts = createSandboxCheckouts(context);
  const renewals = createSandboxRenewals(context);
  const subscriptions = createSandboxSubscriptionChanges(context);
  const payments = createSandboxPayments(context);

  return {
    name: 'sandbox',

    async ensureCustomer(input) {
      return { providerCustomerId: await checkouts.ensureCustomer(input) };
    },
    // The sandbox bills our own price ids, so there is no provider price to create.
    ensurePrice: async () => null,
    createCheckout: checkouts.createCheckout,

    verifyWebhook(rawBody, headers) {
      verifySandboxSignature(
        rawBody,
        signatureHeader(headers),
        [webhookSecret],
        toleranceSeconds,
        toUnixSeconds(clock.now()),
      );
      const envelope = parseSandboxEnvelope(rawBody);
      return {
        providerEventId: envelope.id,
        eventType: envelope.type,
        handled: isHandledSandboxEventType(envelope.type),
      };
    },
    parseEvent: async (payload) => normalizeSandboxEvent(parseSandboxEnvelope(payload)),

    async fetchSubscription(providerSubscriptionId) {
      const subscription = await readSandboxObject(db, 'subscription', providerSubscriptionId);
      return subscription ? toSubscriptionSnapshot(subscription) : null;
    },
    changePlan: async (input) => toSubscriptionSnapshot(await subscriptions.changePlan(input)),
    previewPlanChange: subscriptions.previewPlanChange,
    cancel: async (input) => toSubscriptionSnapshot(await subscriptions.cancel(input)),
    resume: async (input) => toSubscriptionSnapshot(await subscriptions.resume(input)),
    async refund(input) {
      const { refundId } = await payments.refundPayment({
        paymentId: input.providerPaymentId,
        amountMinor: input.amountMinor,
        idempotencyKey: input.idempotencyKey,
      });
      return { providerRefundId: refundId };
    },
    createPortalSession: async (input) => ({
      url: `${publicUrl}/sandbox/portal/${encodeURIComponent(input.providerCustomerId)}`,
    }),

    getCheckout: checkouts.getCheckout,
    payCheckout: checkouts.payCheckout,
    declineCheckout: checkouts.declineCheckout,
    renewSubscription: renewals.renewSubscription,
    failPayment: renewals.failPayment,
    recoverPayment: renewals.recoverPayment,
    endSubscription: subscriptions.endSubscription,
    refundPayment: async (paymentId, amountMinor) =>
      (await payments.refundPayment({ paymentId, amountMinor, idempotencyKey: null })).eventIds,
    openDispute: payments.openDispute,
    closeDispute: payments.closeDispute,
    listObjects: (kind, limit = defaultListLimit) => listSandboxRows(db, kind, limit),
    redeliverEvent: outbox.redeliver,
  };
}
