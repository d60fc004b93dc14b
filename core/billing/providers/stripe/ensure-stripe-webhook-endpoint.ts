import type Stripe from 'stripe';
import { AppError } from '../../../errors.js';
import { handledStripeEventTypes } from './handled-stripe-events.js';
import { freshIdempotencyKey } from './idempotency-keys.js';
import { pinnedStripeApiVersion } from './stripe-api-version.js';
import { callStripe } from './stripe-error.js';

export interface StripeWebhookEndpointResult {
  action: 'created' | 'updated' | 'replaced';
  id: string;
  url: string;
  apiVersion: string | null;
  enabledEvents: string[];
  /** Stripe shows an endpoint's signing secret only in the answer that creates it. */
  secret: string | null;
}

/**
 * Makes the one webhook endpoint for `url` send exactly the events we handle, rendered in the
 * API version this build reads. An existing endpoint for the URL is updated rather than joined
 * by a second one (two endpoints deliver every event twice). Stripe fixes an endpoint's API
 * version when it is created, so an endpoint on another version can only be replaced
 * (deleted and created again, with a new secret), which the operator must ask for.
 */
export const ensureStripeWebhookEndpoint = async (
  stripe: Stripe,
  input: { url: string; replaceOtherVersion: boolean; idempotencyPrefix: string },
): Promise<StripeWebhookEndpointResult> => {
  const enabledEvents = [...handledStripeEventTypes].sort() as Stripe.WebhookEndpointCreateParams.EnabledEvent[];
  const existing = (await listEndpoints(stripe)).filter((endpoint) => endpoint.url === input.url);
  const current = existing.find((endpoint) => endpoint.api_version === pinnedStripeApiVersion) ?? existing[0];
  const description = 'community monetization: payments and subscriptions';

  if (current !== undefined && current.api_version === pinnedStripeApiVersion) {
    const updated = await callStripe('webhookEndpoints.update', () =>
      stripe.webhookEndpoints.update(
        current.id,
        { enabled_events: enabledEvents, disabled: false, description },
        { idempotencyKey: `${input.idempotencyPrefix}-webhook-endpoint-${current.id}-${enabledEvents.join(',')}` },
      ),
    );
    return result('updated', updated, null);
  }
  if (current !== undefined && !input.replaceOtherVersion) {
    throw new AppError(
      'stripe_webhook_endpoint_version_mismatch',
      `The webhook endpoint ${current.id} for ${input.url} sends API version ${current.api_version ?? 'the account default'}, and Stripe cannot change an endpoint's version. Run again with --replace to delete it and create one on ${pinnedStripeApiVersion} (it gets a new signing secret).`,
      { status: 409, context: { endpointId: current.id, apiVersion: current.api_version } },
    );
  }
  if (current !== undefined) {
    await callStripe('webhookEndpoints.del', () => stripe.webhookEndpoints.del(current.id));
  }
  const created = await callStripe('webhookEndpoints.create', () =>
    stripe.webhookEndpoints.create(
      { url: input.url, api_version: pinnedStripeApiVersion, enabled_events: enabledEvents, description },
      // Never replay an old create: each run that gets here means a new endpoint is wanted.
      { idempotencyKey: freshIdempotencyKey(input.idempotencyPrefix, 'webhook-endpoint') },
    ),
  );
  return result(current === undefined ? 'created' : 'replaced', created, created.secret ?? null);
};

const listEndpoints = async (stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> => {
  const endpoints: Stripe.WebhookEndpoint[] = [];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) endpoints.push(endpoint);
  return endpoints;
};

const result = (
  action: StripeWebhookEndpointResult['action'],
  endpoint: Stripe.WebhookEndpoint,
  secret: string | null,
): StripeWebhookEndpointResult => ({
  action,
  id: endpoint.id,
  url: endpoint.url,
  apiVersion: endpoint.api_version,
  enabledEvents: endpoint.enabled_events,
  secret,
});
