import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../../db/client.js';
import { createSandboxProvider, type SandboxProvider } from '../billing/providers/sandbox/sandbox-provider.js';
import type { CheckoutLine, CreateCheckoutInput, NormalizedEvent, VerifiedWebhook } from '../ports/payment-provider.js';
import { createTestDatabase } from './test-database.js';

/** Test-only: a sandbox on an in-memory PGlite, a clock tests move, and an inbox that records deliveries. */

export const testWebhookSecret = 'sandbox_whsec_test_secret_0123456789';

export const proMonthly: CheckoutLine = {
  planId: 'pro',
  planName: 'Pro',
  planPriceId: 'pro_month_usd_v1',
  providerPriceId: null,
  amountMinor: 4900,
  currency: 'usd',
  interval: 'month',
  quantity: 1,
};

export const vipMonthly: CheckoutLine = {
  ...proMonthly,
  planId: 'vip',
  planName: 'VIP',
  planPriceId: 'vip_month_usd_v1',
  amountMinor: 9900,
};

export const lifetimePass: CheckoutLine = {
  ...proMonthly,
  planId: 'lifetime',
  planName: 'Lifetime',
  planPriceId: 'lifetime_one_time_usd_v1',
  amountMinor: 29900,
  interval: 'one_time',
};

export function checkoutInput(overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput {
  const checkoutId = randomUUID();
  return {
    checkoutId,
    userId: randomUUID(),
    email: 'member@example.com',
    providerCustomerId: null,
    mode: 'subscription',
    lines: [proMonthly],
    successUrl: 'http://localhost:3000/checkout/success',
    cancelUrl: 'http://localhost:3000/checkout/cancel',
    idempotencyKey: `cm:checkout:${checkoutId}`,
    metadata: { plan_id: 'pro', plan_price_id: 'pro_month_usd_v1' },
    ...overrides,
  };
}

export interface DeliveredEvent {
  verified: VerifiedWebhook;
  event: NormalizedEvent;
  /** The sandbox object the webhook carried, as sent. */
  object: Record<string, unknown>;
}

export interface SandboxHarness {
  handle: DatabaseHandle;
  provider: SandboxProvider;
  deliveries: { body: string; headers: Record<string, string> }[];
  /** When set, the inbox answers deliveries with this error instead of accepting them. */
  failDeliveries: Error | null;
  advance(milliseconds: number): void;
  now(): Date;
  /** Verifies and parses every delivery made since the last call, in order, as core would. */
  receive(): Promise<DeliveredEvent[]>;
  close(): Promise<void>;
}

export async function createSandboxHarness(start = new Date('2025-01-31T12:00:00Z')): Promise<SandboxHarness> {
  const handle = await createTestDatabase();
  let current = start.getTime();
  let received = 0;
  const harness: SandboxHarness = {
    handle,
    deliveries: [],
    failDeliveries: null,
    provider: createSandboxProvider({
      db: handle.db,
      webhookSecret: testWebhookSecret,
      toleranceSeconds: 300,
      publicUrl: 'http://localhost:3000/',
      clock: { now: () => new Date(current) },
      deliver: async (body, headers) => {
        if (harness.failDeliveries) throw harness.failDeliveries;
        harness.deliveries.push({ body, headers });
      },
    }),
    advance(milliseconds) {
      current += milliseconds;
    },
    now: () => new Date(current),
    async receive() {
      const fresh = harness.deliveries.slice(received);
      received = harness.deliveries.length;
      const events: DeliveredEvent[] = [];
      for (const delivery of fresh) {
        const verified = harness.provider.verifyWebhook(Buffer.from(delivery.body), delivery.headers);
        const event = await harness.provider.parseEvent(delivery.body);
        const envelope = JSON.parse(delivery.body) as { data: { object: Record<string, unknown> } };
        events.push({ verified, event, object: envelope.data.object });
      }
      return events;
    },
    close: () => handle.close(),
  };
  return harness;
}

export const days = (count: number) => count * 24 * 60 * 60 * 1000;
