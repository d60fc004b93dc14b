import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxShop } from '../core/testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

/** `POST /admin/sandbox/payments/:id/refund`, as the README documents it: all, or `{"amount_minor": n}`. */
describe('sandbox refunds from the admin API', () => {
  let harness: TestApp;
  const shop = sandboxShop(() => harness);
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  /** A fresh Pro payment (4900) to refund. */
  const paidPayment = async (name: string) => {
    const userId = (await harness.createUser({ email: `${name}@example.com` })).id;
    await shop.subscribe(userId, 'pro');
    const subscription = await shop.subscriptionOf(userId);
    const payment = (await shop.objects('payment')).find((row) => row.data.subscription === subscription.id)!;
    return payment.id;
  };
  const refundedMinor = async (paymentId: string) =>
    Number((await shop.objects('payment')).find((row) => row.id === paymentId)!.data.amount_refunded_minor);
  const refund = (paymentId: string, options: { payload?: unknown; headers?: Record<string, string> } = {}) =>
    harness.app.inject({
      method: 'POST',
      url: `/admin/sandbox/payments/${paymentId}/refund`,
      headers: { ...adminHeaders, ...options.headers },
      ...(options.payload === undefined ? {} : { payload: options.payload as string }),
    });

  it('a refund with no body and no content type refunds the whole payment', async () => {
    const paymentId = await paidPayment('no-body');
    const response = await refund(paymentId);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ sent_event_ids: [expect.any(String)] });
    expect(await refundedMinor(paymentId)).toBe(4900);
  });

  it('a refund with an empty JSON object refunds the whole payment', async () => {
    const paymentId = await paidPayment('empty-object');
    expect((await refund(paymentId, { payload: {} })).statusCode).toBe(200);
    expect(await refundedMinor(paymentId)).toBe(4900);
  });

  it('a refund with amount_minor refunds that much, and a second one the rest', async () => {
    const paymentId = await paidPayment('partial');
    expect((await refund(paymentId, { payload: { amount_minor: 1000 } })).statusCode).toBe(200);
    expect(await refundedMinor(paymentId)).toBe(1000);
    expect((await refund(paymentId)).statusCode).toBe(200);
    expect(await refundedMinor(paymentId)).toBe(4900);
  });

  it('bad refund amounts get a 400 with a stable code and refund nothing', async () => {
    const paymentId = await paidPayment('bad-amounts');
    for (const amount of [0, -5, 12.5, '100']) {
      const response = await refund(paymentId, { payload: { amount_minor: amount } });
      expect(response.statusCode, String(amount)).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const tooMuch = await refund(paymentId, { payload: { amount_minor: 4901 } });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toMatchObject({ error: { code: 'sandbox_refund_exceeds_payment' } });
    expect(await refundedMinor(paymentId)).toBe(0);
  });
});
