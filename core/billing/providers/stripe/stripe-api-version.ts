import Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import { isHandledStripeEventType } from './handled-stripe-events.js';

/**
 * The one API version this build reads and writes: the version the stripe SDK's types describe.
 * Webhook payloads are rendered in the version of the endpoint that sends them (or the
 * account's default), not ours, and the shapes differ between versions: before 2025-03-31.basil
 * an invoice named its subscription and charge at the top level and priced its lines with
 * `price`/`plan`. Read with today's schema, such an event would record a purchase with no plan.
 * `npm run script stripe-webhook-endpoint` pins the endpoint to this version.
 */
export const pinnedStripeApiVersion = Stripe.API_VERSION;

/**
 * Events we read only for ids, then fetch the object at our version, so any version reads right:
 * a subscription event names the subscription and we fetch the subscription itself.
 */
const versionIndependentEventTypes: ReadonlySet<string> = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
]);

/**
 * Refuses to read an event rendered in another API version, rather than record it wrong. The
 * refusal is permanent (not retryable), so the event is dead-lettered at once with a stable
 * code: visible to moderators, and replayable once the endpoint is pinned or the build reads
 * that version.
 */
export const assertReadableApiVersion = (event: { id: string; type: string; api_version: string | null }): void => {
  // Events we do not act on are ignored whatever their version.
  if (!isHandledStripeEventType(event.type)) return;
  if (event.api_version === pinnedStripeApiVersion || versionIndependentEventTypes.has(event.type)) return;
  throw new AppError(
    'stripe_api_version_unsupported',
    `Stripe event ${event.id} (${event.type}) is in API version ${event.api_version ?? 'unknown'}; this build reads ${pinnedStripeApiVersion}. Pin the webhook endpoint with \`npm run script stripe-webhook-endpoint\`, then replay.`,
    {
      status: 422,
      retryable: false,
      context: {
        provider: 'stripe',
        eventId: event.id,
        eventType: event.type,
        apiVersion: event.api_version,
        readableVersion: pinnedStripeApiVersion,
      },
    },
  );
};
