import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import { paymentEvents } from '../db/schema/index.js';

/**
 * A signed event whose id or type no column can hold would fail to store on every delivery;
 * answering 503 makes the provider retry it for days. It is refused once, with 400.
 */
describe('a signed webhook event that cannot be stored', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const deliver = (body: string) => harness.postSandboxWebhook(body);

  const event = (id: string, type: string) =>
    `{"id":"${id}","type":"${type}","created":${Math.floor(harness.clock.now().getTime() / 1000)},"data":{"object":{}}}`;

  for (const [name, body] of [
    ['a NUL in its id', () => event('sbx_evt_\\u0000', 'payment.succeeded')],
    ['a lone surrogate in its id', () => event('sbx_evt_\\ud800', 'payment.succeeded')],
    ['a NUL in its type', () => event('sbx_evt_nultype', 'payment.\\u0000')],
  ] as const) {
    it(`refuses an event with ${name} with 400 webhook_payload_invalid, on every delivery`, async () => {
      for (let delivery = 0; delivery < 2; delivery += 1) {
        const response = await deliver(body());
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error.code).toBe('webhook_payload_invalid');
      }
    });
  }

  it('stores none of them', async () => {
    expect(await harness.core.db.select().from(paymentEvents)).toEqual([]);
  });
});
