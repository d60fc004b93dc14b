import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingLedger, purchases } from '../../../../db/schema/index.js';
import { shuffled } from '../../../../web/testing/stripe-lifecycle.js';
import { type BtcpayDelivery, type FakeBtcpay, startFakeBtcpay } from '../../../testing/fake-btcpay-server.js';
import { createTestApp, type TestApp } from '../../../testing/test-core.js';

let btcpay: FakeBtcpay;
let test: TestApp;

beforeAll(async () => {
  btcpay = await startFakeBtcpay();
  test = await createTestApp({
    BTCPAY_URL: btcpay.url,
    BTCPAY_API_KEY: btcpay.apiKey,
    BTCPAY_STORE_ID: btcpay.storeId,
    BTCPAY_WEBHOOK_SECRET: btcpay.webhookSecret,
  });
  // Invoices expire on the test's clock, not the machine's.
  btcpay.setNow(() => Math.floor(test.clock.now().getTime() / 1000));
});

afterAll(async () => {
  await test?.close();
  await btcpay?.close();
});

/** BTCPay delivering every webhook `copies` times in a shuffled order, as a flaky network would. */
async function deliver(deliveries: BtcpayDelivery[], copies = 5, seed = 7) {
  const storm = shuffled(
    deliveries.flatMap((delivery) => Array.from({ length: copies }, () => delivery)),
    seed,
  );
  for (const delivery of storm) {
    const response = await test.app.inject({
      method: 'POST',
      url: '/v1/webhooks/btcpay',
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(response.statusCode, response.body).toBe(200);
  }
  await test.drain();
}

async function memberBuying(planId: string, email: string) {
  const { id: userId } = await test.createUser({ email });
  const checkout = await test.core.checkout.createCheckout({ userId, planId, interval: 'month', provider: 'btcpay' });
  expect(checkout.provider).toBe('btcpay');
  return { userId, invoiceId: checkout.url.split('/i/')[1]! };
}

const ledgerOf = async (userId: string) =>
  test.core.db
    .select({ account: billingLedger.account, kind: billingLedger.kind, amountMinor: billingLedger.amountMinor })
    .from(billingLedger)
    .where(eq(billingLedger.userId, userId));

describe('buying with BTCPay, end to end', () => {
  it('a paid and confirmed invoice grants Pro once, however its webhooks arrive, with one payment in the ledger', async () => {
    const { userId, invoiceId } = await memberBuying('pro', 'btcpay-buyer@example.com');
    await deliver([
      ...btcpay.created(invoiceId),
      ...btcpay.pay(invoiceId, btcpay.dueAmount(invoiceId)),
      ...btcpay.confirm(invoiceId),
    ]);
    expect((await test.core.entitlements.get(userId)).tier).toBe('pro');
    const paid = await test.core.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      provider: 'btcpay',
      providerPaymentId: invoiceId,
      amountMinor: 4900,
      currency: 'usd',
    });
    const payments = (await ledgerOf(userId)).filter((entry) => entry.kind === 'payment');
    expect(payments).toEqual([{ account: 'revenue', kind: 'payment', amountMinor: 4900 }]);
  });

  it('a partial payment that expires grants nothing and credits exactly what was paid to the member’s balance', async () => {
    const { userId, invoiceId } = await memberBuying('pro', 'btcpay-partial@example.com');
    await deliver([...btcpay.pay(invoiceId, '0.00039012', { confirmed: true }), ...btcpay.expire(invoiceId)]);
    expect((await test.core.entitlements.get(userId)).tier).toBe('free');
    expect(await test.core.crypto.balance(userId)).toEqual([{ currency: 'usd', amountMinor: 2450 }]);
  });

  it('an unconfirmed payment that is dropped grants nothing and credits nothing', async () => {
    const { userId, invoiceId } = await memberBuying('pro', 'btcpay-dropped@example.com');
    await deliver([...btcpay.pay(invoiceId, btcpay.dueAmount(invoiceId)), ...btcpay.invalidatePayments(invoiceId)]);
    expect((await test.core.entitlements.get(userId)).tier).toBe('free');
    expect(await test.core.crypto.balance(userId)).toEqual([]);
    expect(await ledgerOf(userId)).toEqual([]);
  });
});
