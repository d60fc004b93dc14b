import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentEvents } from '../../../../db/schema/index.js';
import { type FakeBtcpay, startFakeBtcpay } from '../../../testing/fake-btcpay-server.js';
import { readFixture, readJsonFixture } from '../../../testing/fixtures.js';
import { proMonthly } from '../../../testing/sandbox-test-harness.js';
import { createTestApp, type TestApp } from '../../../testing/test-core.js';

let btcpay: FakeBtcpay;
let test: TestApp;
const fixtureSecret = readJsonFixture<{ webhook_secret: string }>('btcpay', 'MANIFEST.json').webhook_secret;

beforeAll(async () => {
  btcpay = await startFakeBtcpay();
  test = await createTestApp({
    BTCPAY_URL: btcpay.url,
    BTCPAY_API_KEY: btcpay.apiKey,
    BTCPAY_STORE_ID: btcpay.storeId,
    // A rotation: the stand-in's secret and the one BTCPay's published vectors are signed with.
    BTCPAY_WEBHOOK_SECRET: `${btcpay.webhookSecret}, ${fixtureSecret}`,
  });
});

afterAll(async () => {
  await test?.close();
  await btcpay?.close();
});

const post = (payload: string, headers: Record<string, string>) =>
  test.app.inject({ method: 'POST', url: '/v1/webhooks/btcpay', headers, payload });

const btcpayRows = () => test.core.db.select().from(paymentEvents).where(eq(paymentEvents.provider, 'btcpay'));

describe('POST /v1/webhooks/btcpay', () => {
  it('stores BTCPay’s own signed delivery once, however often it arrives, and answers 200', async () => {
    const body = readFixture('btcpay', 'webhooks', 'InvoiceSettled.json');
    const signature = readJsonFixture<{ headers: Record<string, string> }>('btcpay', 'signed', 'InvoiceSettled.json')
      .headers['BTCPay-Sig']!;
    const headers = { 'content-type': 'application/json', 'btcpay-sig': signature };
    const first = await post(body, headers);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ received: true, duplicate: false });
    for (let again = 0; again < 4; again += 1)
      expect((await post(body, headers)).json()).toMatchObject({ duplicate: true });
    const rows = await btcpayRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      eventType: 'InvoiceSettled',
      payload: body,
      providerEventId: 'V9VLzcL3kbBHa5SLvET8Re',
    });
  });

  it('refuses a wrong, missing or malformed BTCPay-Sig with 400 and stores nothing', async () => {
    const before = (await btcpayRows()).length;
    const body = readFixture('btcpay', 'webhooks', 'InvoiceExpired.json');
    const signatures: Array<Record<string, string>> = [
      { 'btcpay-sig': `sha256=${'0'.repeat(64)}` },
      {},
      { 'btcpay-sig': 'sha1=abc' },
    ];
    for (const headers of signatures) {
      const response = await post(body, { 'content-type': 'application/json', ...headers });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'webhook_signature_invalid' } });
    }
    expect(await btcpayRows()).toHaveLength(before);
  });

  it('a delivery from the stand-in (a real invoice of ours) is accepted with the rotated-in secret', async () => {
    const { id: userId } = await test.createUser({ email: 'btcpay-route@example.com' });
    const checkout = await test.core.providers.get('btcpay')!.createCheckout({
      checkoutId: crypto.randomUUID(),
      userId,
      email: null,
      providerCustomerId: null,
      mode: 'subscription',
      lines: [proMonthly],
      successUrl: 'http://shop.test/checkout/success',
      cancelUrl: 'http://shop.test/checkout/canceled',
      idempotencyKey: 'k',
      metadata: {},
    });
    const [created] = btcpay.created(checkout.providerSessionId);
    const response = await post(created!.body, created!.headers);
    expect(response.statusCode).toBe(200);
  });
});
