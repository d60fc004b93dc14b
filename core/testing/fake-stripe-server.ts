import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { buildLineItem } from './fake-stripe/catalog-objects.js';
import { type CustomerSimulations, createCustomerSimulations } from './fake-stripe/customer-simulations.js';
import {
  type FakeLineItem,
  FakeStripeStore,
  isFakeObjectKind,
  type StripeObject,
} from './fake-stripe/fake-stripe-store.js';
import type { StripeEvent } from './fake-stripe/stripe-events.js';
import { createStripeHttpHandler, type FailureRule, type RecordedRequest } from './fake-stripe/stripe-http-handler.js';

export type { StripeObject } from './fake-stripe/fake-stripe-store.js';
export type { StripeEvent } from './fake-stripe/stripe-events.js';
export type { RecordedRequest } from './fake-stripe/stripe-http-handler.js';

/**
 * A stateful Stripe on 127.0.0.1 for tests: the real SDK talks to it over HTTP (give `url` as the
 * adapter's apiBase), and the simulation helpers play the member, the renewal clock and the bank,
 * returning the events Stripe would send. Sign them with `signEvent` and feed them to the webhook.
 */
export interface FakeStripe extends CustomerSimulations {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** A key the fake accepts (any `sk_test_…` works). */
  readonly secretKey: string;
  /** Every request received, in order, including injected failures. */
  readonly requests: RecordedRequest[];
  /** Every event the fake has made (simulations and API calls). */
  readonly events: StripeEvent[];
  /** Events caused by API calls (a refund, a cancel) since the last call; Stripe would send them. */
  drainEvents(): StripeEvent[];
  /** Freezes the fake's clock (object timestamps, event `created`, default signature time); null unfreezes. */
  setNow(date: Date | null): void;
  now(): Date;
  /**
   * The next `times` requests whose path starts with `pathPrefix` fail with `status`. A 429 asks
   * the client to retry (`Stripe-Should-Retry: true`, like Stripe's lock timeouts) unless
   * `shouldRetry: false`; 5xx are retried by the SDK on its own.
   */
  failNext(pathPrefix: string, status: number, times?: number, options?: { shouldRetry?: boolean }): void;
  /** The current state of an object (a copy), e.g. `object('subscription', id)`. */
  object(kind: string, id: string): StripeObject | undefined;
  /** Puts a Stripe object (a fixture) into the state as is; checkout sessions may name their line items. */
  seed(object: StripeObject, options?: { lineItems?: Array<{ price: string; quantity: number }> }): void;
  /** The body Stripe would POST and its `Stripe-Signature` header. */
  signEvent(event: StripeEvent, secret: string, timestamp?: number): { body: string; signature: string };
  close(): Promise<void>;
}

export const startFakeStripeServer = async (): Promise<FakeStripe> => {
  const store = new FakeStripeStore();
  const requests: RecordedRequest[] = [];
  const failures: FailureRule[] = [];
  const pendingEvents: StripeEvent[] = [];
  const events: StripeEvent[] = [];
  const handle = createStripeHttpHandler({ store, requests, failures, pendingEvents, events });
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const simulations = createCustomerSimulations(store);
  const recorded = <Arguments extends unknown[]>(simulate: (...args: Arguments) => StripeEvent[]) => {
    return (...args: Arguments): StripeEvent[] => {
      const made = simulate(...args);
      events.push(...made);
      return made;
    };
  };

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey: 'sk_test_fake_stripe_server',
    requests,
    events,
    drainEvents: () => pendingEvents.splice(0, pendingEvents.length),
    setNow: (date) => store.setNow(date),
    now: () => store.nowDate(),
    failNext(pathPrefix, status, times = 1, options = {}) {
      failures.push({
        pathPrefix,
        status,
        remaining: times,
        shouldRetry: options.shouldRetry ?? (status === 429 ? true : undefined),
      });
    },
    object(kind, id) {
      const found = isFakeObjectKind(kind) ? store.find(kind, id) : undefined;
      return found === undefined ? undefined : structuredClone(found);
    },
    seed(object, options = {}) {
      if (!isFakeObjectKind(object.object)) throw new Error(`the fake does not hold ${object.object} objects`);
      // Seeding is a test's statement about state; shapes are the test's responsibility.
      store.put(object.object, structuredClone(object) as never);
      if (object.object !== 'checkout.session') return;
      const lineItems: FakeLineItem[] = (options.lineItems ?? []).map(({ price, quantity }) =>
        buildLineItem(store, store.require('price', price), quantity),
      );
      store.checkoutExtras.set(object.id, { lineItems, subscriptionMetadata: {}, paymentIntentMetadata: {} });
    },
    signEvent(event, secret, timestamp = store.now()) {
      const body = JSON.stringify(event, null, 2);
      return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
    },
    completeCheckout: recorded(simulations.completeCheckout),
    renewSubscription: recorded(simulations.renewSubscription),
    failRenewal: recorded(simulations.failRenewal),
    recoverPayment: recorded(simulations.recoverPayment),
    cancelAtPeriodEnd: recorded(simulations.cancelAtPeriodEnd),
    endSubscription: recorded(simulations.endSubscription),
    refundCharge: recorded(simulations.refundCharge),
    openDispute: recorded(simulations.openDispute),
    updateDispute: recorded(simulations.updateDispute),
    closeDispute: recorded(simulations.closeDispute),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
