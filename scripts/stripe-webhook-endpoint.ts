import { createStripeClient } from '../core/billing/providers/stripe/create-stripe-client.js';
import { ensureStripeWebhookEndpoint } from '../core/billing/providers/stripe/ensure-stripe-webhook-endpoint.js';

/** The route Stripe posts to (web/routes/webhooks/provider-webhooks.ts). */
const webhookPath = '/v1/webhooks/stripe';

export interface StripeWebhookEndpointOptions {
  secretKey: string;
  apiBase?: string | undefined;
  publicUrl: string;
  idempotencyPrefix: string;
  /** Delete an endpoint on another API version and create it again (new secret). */
  replace: boolean;
}

/**
 * `npm run script stripe-webhook-endpoint [--replace]`: points Stripe at PUBLIC_URL's webhook
 * route with the events we handle, in the API version this build reads. Returns what to print.
 */
export async function stripeWebhookEndpoint(options: StripeWebhookEndpointOptions): Promise<string[]> {
  const stripe = createStripeClient({
    secretKey: options.secretKey,
    ...(options.apiBase === undefined ? {} : { apiBase: options.apiBase }),
  });
  const url = `${options.publicUrl.replace(/\/+$/, '')}${webhookPath}`;
  const endpoint = await ensureStripeWebhookEndpoint(stripe, {
    url,
    replaceOtherVersion: options.replace,
    idempotencyPrefix: options.idempotencyPrefix,
  });
  return [
    `${endpoint.action} webhook endpoint ${endpoint.id}`,
    `url: ${endpoint.url}`,
    `api_version: ${endpoint.apiVersion ?? 'account default'}`,
    `events: ${endpoint.enabledEvents.join(', ')}`,
    endpoint.secret === null
      ? 'secret: unchanged; Stripe shows it only when an endpoint is created (Dashboard → Webhooks → the endpoint → Signing secret)'
      : `secret: ${endpoint.secret}  (set STRIPE_WEBHOOK_SECRET to it${endpoint.action === 'replaced' ? '; the old endpoint and its secret are gone' : ''})`,
  ];
}
