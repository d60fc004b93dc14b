import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentEvents } from '../../../../db/schema/index.js';
import { type FakeBitpay, startFakeBitpayServer } from '../../../testing/fake-bitpay-server.js';
import { readFixture } from '../../../testing/fixtures.js';
import { createTestApp, type TestApp } from '../../../testing/test-core.js';

let fake: FakeBitpay;
let test: TestApp;

beforeAll(async () => {
  fake = await startFakeBitpayServer();
  test = await createTestApp({ BITPAY_TOKEN: fake.token, BITPAY_API_BASE: fake.url });
});
afterAll(async () => {
  await test.close();
  await fake.close();
});

const post = (payload: string) =>
  test.app.inject({
    method: 'POST',
    url: '/v1/webhooks/bitpay',
    headers: { 'content-type': 'application/json' },
    payload,
  });

const bitpayRows = () => test.core.db.select().from(paymentEvents).where(eq(paymentEvents.provider, 'bitpay'));

describe('POST /v1/webhooks/bitpay', () => {
  it('answers a real notification 200 and stores it once in the inbox, as sent', async () => {
    const body = readFixture('bitpay', 'webhooks', 'extended.invoice_confirmed.json');
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ received: true, duplicate: false });
    const rows = await bitpayRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventType: 'invoice_confirmed', payload: body });
    expect(rows[0]?.providerEventId).toMatch(/^bitpay:MV9fy5iNDkqrg4qrfYpw75:/);
  });

  it('refuses a body that is no notification with 400 webhook_payload_invalid and stores nothing', async () => {
    const before = (await bitpayRows()).length;
    const response = await post('{"garbage":true}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'webhook_payload_invalid' } });
    expect(await bitpayRows()).toHaveLength(before);
  });
});
