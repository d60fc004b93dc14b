import Stripe from 'stripe';
import { pinnedStripeApiVersion } from './stripe-api-version.js';

export interface StripeClientOptions {
  secretKey: string;
  /** A Stripe-compatible server (tests, a proxy); the real API when absent. */
  apiBase?: string;
}

/**
 * The SDK pinned to the API version its types describe, so payload shapes (items carrying
 * their own periods, invoices pointing at subscriptions through `parent`) match our parsing.
 */
export const createStripeClient = (options: StripeClientOptions): Stripe =>
  new Stripe(options.secretKey, {
    apiVersion: pinnedStripeApiVersion,
    // Retries reuse our idempotency key, so a retried write never happens twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(options.apiBase === undefined ? {} : apiBaseSettings(options.apiBase)),
  });

const apiBaseSettings = (apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } => {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { host: url.hostname, port, protocol };
};
