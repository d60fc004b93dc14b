import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../core/billing/providers/sandbox/sandbox-signature.js';
import { type FakeStripe, startFakeStripeServer } from '../core/testing/fake-stripe-server.js';
import { readFixture } from '../core/testing/fixtures.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import { paymentEvents } from '../db/schema/index.js';

const stripeSecret = 'whsec_edge_bytes_0123456789abcdef';
const sandboxSecret = 'sandbox_edge_bytes_0123456789abcdef';
const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The webhook edge verifies and stores the same bytes: a body the signature check would read
 * one way and the inbox another (a byte-order mark, bytes that are not UTF-8) is refused before
 * either, so an event is never accepted with 200 and then dead-lettered as unreadable.
 */
describe('the webhook edge verifies and stores the same bytes', () => {
  let fake: FakeStripe;
  let test: TestApp;
  const nowSeconds = () => Math.floor(test.clock.now().getTime() / 1000);

  beforeAll(async () => {
    fake = await startFakeStripeServer();
    test = await createTestApp({
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_API_BASE: fake.url,
      STRIPE_WEBHOOK_SECRET: stripeSecret,
      SANDBOX_WEBHOOK_SECRET: sandboxSecret,
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  /**
   * Signs as Stripe's SDK verifies: over the body decoded as UTF-8 text, which drops a leading
   * byte-order mark and turns bytes that are not UTF-8 into U+FFFD. So the signature covers
   * other bytes than the ones sent: exactly the gap the edge must close.
   */
  const signStripe = (body: Buffer, timestamp: number) =>
    Stripe.webhooks.generateTestHeaderString({
      payload: new TextDecoder('utf8').decode(body),
      secret: stripeSecret,
      timestamp,
    });

  const postStripe = (body: Buffer, timestamp = nowSeconds()) =>
    test.app.inject({
      method: 'POST',
      url: '/v1/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripe(body, timestamp) },
      payload: body,
    });

  const storedPayloads = async () => (await test.core.db.select().from(paymentEvents)).map((row) => row.payload);

  it('a Stripe body whose signature verifies only once its leading byte-order mark is dropped is refused with 400 and never stored', async () => {
    const event = readFixture('stripe', 'events', 'invoice.paid.json').replace('"evt_', '"evt_bom_');
    const body = Buffer.concat([byteOrderMark, Buffer.from(event, 'utf8')]);
    const response = await postStripe(body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'webhook_payload_invalid' } });
    await test.drain();
    for (const payload of await storedPayloads()) expect(payload.startsWith('\uFEFF')).toBe(false);
  });

  it('a genuinely signed sandbox body with a leading byte-order mark is refused the same way', async () => {
    const body = `\uFEFF${JSON.stringify({ id: 'sbx_evt_bom', type: 'checkout.completed', data: {} })}`;
    const response = await test.app.inject({
      method: 'POST',
      url: '/v1/webhooks/sandbox',
      headers: {
        'content-type': 'application/json',
        'sandbox-signature': signSandboxPayload(body, sandboxSecret, nowSeconds()),
      },
      payload: Buffer.from(body, 'utf8'),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'webhook_payload_invalid' } });
  });

  it('a signed body that is not valid UTF-8 is refused, since the stored text could not hold the signed bytes', async () => {
    const event = readFixture('stripe', 'events', 'invoice.paid.json').replace('"evt_', '"evt_latin1_');
    const body = Buffer.from(event.replace('"object"', '"obj\u00e9ct"'), 'latin1');
    const response = await postStripe(body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'webhook_payload_invalid' } });
  });

  it('a Stripe signature dated ten years ahead is refused at the HTTP edge and nothing is stored', async () => {
    const event = readFixture('stripe', 'events', 'invoice.paid.json').replace('"evt_', '"evt_future_');
    const response = await postStripe(Buffer.from(event, 'utf8'), nowSeconds() + 10 * 365 * 24 * 3600);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'webhook_signature_invalid' } });
    expect((await storedPayloads()).some((payload) => payload.includes('evt_future_'))).toBe(false);
  });

  it('the same event without the mark is accepted and stored byte for byte', async () => {
    const event = readFixture('stripe', 'events', 'invoice.paid.json').replace('"evt_', '"evt_clean_');
    const response = await postStripe(Buffer.from(event, 'utf8'));
    expect(response.statusCode, response.body).toBe(200);
    expect(await storedPayloads()).toContain(event);
  });
});
