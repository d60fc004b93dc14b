import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyThroughApi, memberOn } from '../core/auth/testing/api-test-kit.js';
import type { PublishedSignal } from '../core/signals/published-signal.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { type MemberRoute, memberRoutes } from './caller-auth.js';

type Member = Awaited<ReturnType<typeof memberOn>>;

/** An object the owner holds, named by the route's path parameters, and the body to send (if any). */
interface OwnedObject {
  params: Record<string, string>;
  payload?: Record<string, unknown>;
}

let test: TestApp;

/**
 * How to make, for each member route with an id in its path, an object that `owner` holds.
 * EVERY such route must be listed here: the first test fails naming any route that is not,
 * so a new id-bearing member route cannot ship without an ownership check being walked.
 */
const ownershipCases: Record<string, (owner: Member) => Promise<OwnedObject>> = {
  'POST /v1/api-keys/:id/rotate': async (owner) => ({ params: { id: (await apiKeyOf(owner)).id } }),
  'DELETE /v1/api-keys/:id': async (owner) => ({ params: { id: (await apiKeyOf(owner)).id } }),
  'GET /v1/webhook-endpoints/:id': async (owner) => ({ params: { id: await webhookEndpointOf(owner) } }),
  'PATCH /v1/webhook-endpoints/:id': async (owner) => ({
    params: { id: await webhookEndpointOf(owner) },
    payload: { enabled: false },
  }),
  'DELETE /v1/webhook-endpoints/:id': async (owner) => ({ params: { id: await webhookEndpointOf(owner) } }),
  'POST /v1/webhook-endpoints/:id/rotate-secret': async (owner) => ({ params: { id: await webhookEndpointOf(owner) } }),
  'GET /v1/webhook-endpoints/:id/deliveries': async (owner) => ({ params: { id: await webhookEndpointOf(owner) } }),
  'POST /v1/webhook-deliveries/:id/redeliver': async (owner) => ({ params: { id: await webhookDeliveryOf(owner) } }),
};

async function apiKeyOf(owner: Member) {
  return createKeyThroughApi(test.app, owner.session);
}

async function webhookEndpointOf(owner: Member): Promise<string> {
  const response = await test.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: owner.session,
    payload: { url: 'http://127.0.0.1:9/hook', events: ['signal.published'] },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

type PublishedSignalBody = Omit<PublishedSignal, 'publishedAt'> & { published_at: string };

async function webhookDeliveryOf(owner: Member): Promise<string> {
  const endpointId = await webhookEndpointOf(owner);
  const published = await test.app.inject({
    method: 'POST',
    url: '/v1/signals',
    headers: adminHeaders,
    payload: {
      instrument: 'BTCUSDT',
      side: 'long',
      entry: '100',
      stop: '90',
      targets: ['120'],
      idempotency_key: randomUUID(),
    },
  });
  expect(published.statusCode, published.body).toBeLessThan(300);
  const body = published.json<PublishedSignalBody>();
  // Whether or not publication already fans out to webhooks, this emits it once (keyed by signal id).
  await test.core.outboundWebhooks.publishSignal({ ...body, publishedAt: new Date(body.published_at) });
  await test.drain();
  await test.core.outboundWebhooks.idle();
  const listed = await test.app.inject({
    method: 'GET',
    url: `/v1/webhook-endpoints/${endpointId}/deliveries`,
    headers: owner.session,
  });
  const [delivery] = listed.json<{ deliveries: Array<{ id: string }> }>().deliveries;
  expect(delivery, listed.body).toBeDefined();
  return delivery!.id;
}

const routeKey = (route: MemberRoute) => `${route.method} ${route.url}`;
const idBearing = (route: MemberRoute) => route.url.includes(':');
const pathOf = (url: string, params: Record<string, string>) =>
  url.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`the ownership case for ${url} gives no :${name}`);
    return encodeURIComponent(value);
  });

beforeAll(async () => {
  test = await createTestApp({ OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: 'true' });
});

afterAll(async () => {
  await test?.close();
});

describe('ownership of id-bearing member routes', () => {
  it('every member route with an id in its path has an ownership case (add yours to ownershipCases)', () => {
    const discovered = memberRoutes(test.app).filter(idBearing).map(routeKey);
    expect(discovered.length).toBeGreaterThan(0);
    expect(
      discovered.filter((key) => !(key in ownershipCases)),
      'member routes without an ownership case',
    ).toEqual([]);
    expect(
      Object.keys(ownershipCases).filter((key) => !discovered.includes(key)),
      'ownership cases for routes that no longer exist',
    ).toEqual([]);
  });

  it("another member's ids get 403 or 404 on every such route, by access token and by API key, while the owner's own call reaches the object", async () => {
    const owner = await memberOn(test.core, 'vip', 'owner');
    const intruder = await memberOn(test.core, 'vip', 'intruder');
    const intruderKey = bearer((await createKeyThroughApi(test.app, intruder.session)).key);
    const failures: string[] = [];
    for (const route of memberRoutes(test.app).filter(idBearing)) {
      const build = ownershipCases[routeKey(route)];
      if (!build) continue;
      const object = await build(owner);
      const url = pathOf(route.url, object.params);
      const call = (headers: Record<string, string>) =>
        test.app.inject({
          method: route.method as 'GET',
          url,
          headers,
          ...(object.payload ? { payload: object.payload } : {}),
        });
      for (const [label, headers] of [
        ['access token', intruder.session],
        ['API key', intruderKey],
      ] as const) {
        const response = await call(headers);
        if (response.statusCode !== 403 && response.statusCode !== 404)
          failures.push(`${routeKey(route)} answered ${response.statusCode} to another member's ${label}`);
      }
      const own = await call(owner.session);
      // The owner may meet a conflict or a validation answer, but never "not yours": the object is real.
      if (own.statusCode === 403 || own.statusCode === 404)
        failures.push(
          `${routeKey(route)} answered ${own.statusCode} to its owner (the case makes no real object): ${own.body}`,
        );
    }
    expect(failures).toEqual([]);
  });
});
