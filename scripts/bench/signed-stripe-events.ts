import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { readFixture } from '../../core/testing/fixtures.js';

export interface SignedEvent {
  id: string;
  payload: string;
  signature: string;
}

/**
 * Distinct, validly signed copies of Stripe's own invoice.paid fixture: only `id` changes, so
 * every event is new to the inbox. Signed now with the SDK's scheme; the 300 s tolerance is far
 * longer than a bench run.
 */
export function signedInvoicePaidEvents(count: number, secret: string): SignedEvent[] {
  const template = JSON.parse(readFixture('stripe', 'events', 'invoice.paid.json')) as Record<string, unknown>;
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, index) => {
    const id = `evt_bench_${run}_${index}`;
    const payload = JSON.stringify({ ...template, id });
    return { id, payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
  });
}
