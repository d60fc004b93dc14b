import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateCheckoutInput, NormalizedEvent, PaymentProvider } from '../../../ports/payment-provider.js';
import { type BtcpayDelivery, type FakeBtcpay, startFakeBtcpay } from '../../../testing/fake-btcpay-server.js';
import { proMonthly } from '../../../testing/sandbox-test-harness.js';
import { createBtcpayProvider } from './btcpay-provider.js';

let btcpay: FakeBtcpay;
let provider: PaymentProvider;

beforeAll(async () => {
  btcpay = await startFakeBtcpay();
  provider = createBtcpayProvider({
    baseUrl: btcpay.url,
    apiKey: btcpay.apiKey,
    storeId: btcpay.storeId,
    webhookSecrets: [btcpay.webhookSecret],
  });
});

afterAll(async () => btcpay?.close());

const proCheckout = (overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput => ({
  checkoutId: randomUUID(),
  userId: randomUUID(),
  email: null,
  providerCustomerId: null,
  mode: 'subscription',
  lines: [proMonthly],
  successUrl: 'http://shop.test/checkout/success',
  cancelUrl: 'http://shop.test/checkout/canceled',
  idempotencyKey: 'key',
  metadata: {},
  ...overrides,
});

/** What the product does with a delivery: verify it, then parse what it names (fetching the invoice). */
async function receive(delivery: BtcpayDelivery): Promise<NormalizedEvent> {
  const verified = provider.verifyWebhook(Buffer.from(delivery.body), delivery.headers);
  expect(verified.eventType).toBe(delivery.type);
  return provider.parseEvent(delivery.body);
}

const lastFact = async (deliveries: BtcpayDelivery[]) => {
  const event = await receive(deliveries.at(-1)!);
  if (event.kind !== 'crypto_invoice.updated') throw new Error(`expected an invoice fact, got ${event.kind}`);
  return event.invoice;
};

async function openInvoice() {
  const input = proCheckout();
  const session = await provider.createCheckout(input);
  return { input, invoiceId: session.providerSessionId, session };
}

describe('BTCPay provider against a local BTCPay', () => {
  it('a checkout is one invoice for the plan’s price, keyed by our checkout id: a retried create reuses it', async () => {
    const input = proCheckout({
      discount: {
        code: 'HALF',
        percentOff: 50,
        amountOffMinor: null,
        currency: null,
        duration: 'once',
        durationInMonths: null,
        maxRedemptions: null,
        providerCouponId: null,
      },
    });
    const first = await provider.createCheckout(input);
    const again = await provider.createCheckout(input);
    expect(again.providerSessionId).toBe(first.providerSessionId);
    const mine = btcpay
      .invoices()
      .filter((invoice) => (invoice.metadata as { orderId: string }).orderId === input.checkoutId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      amount: '24.50',
      currency: 'USD',
      metadata: { orderId: input.checkoutId, userId: input.userId },
      checkout: expect.objectContaining({ redirectURL: input.successUrl, paymentTolerance: 0 }),
    });
    expect(first.url).toBe(`${btcpay.url}/i/${first.providerSessionId}`);
  });

  it('an exact, confirmed payment is a settled invoice worth its price, with the crypto amount and rate kept', async () => {
    const { input, invoiceId } = await openInvoice();
    const fact = await lastFact(btcpay.pay(invoiceId, btcpay.dueAmount(invoiceId), { confirmed: true }));
    expect(fact).toMatchObject({
      provider: 'btcpay',
      providerInvoiceId: invoiceId,
      checkoutId: input.checkoutId,
      userId: input.userId,
      state: 'settled',
      priceMinor: 4900,
      currency: 'usd',
      settledMinor: 4900,
      pendingMinor: 0,
      paidLate: false,
      manuallyMarked: false,
    });
    expect(fact.payments).toEqual([
      expect.objectContaining({
        cryptoCode: 'BTC',
        cryptoAmount: btcpay.dueAmount(invoiceId),
        rate: '62800.25',
        status: 'settled',
      }),
    ]);
  });

  it('a payment seen but not confirmed is processing: nothing settled yet', async () => {
    const { invoiceId } = await openInvoice();
    const fact = await lastFact(btcpay.pay(invoiceId, btcpay.dueAmount(invoiceId)));
    expect(fact).toMatchObject({ state: 'processing', settledMinor: 0, pendingMinor: 4900 });
    const confirmed = await lastFact(btcpay.confirm(invoiceId));
    expect(confirmed).toMatchObject({ state: 'settled', settledMinor: 4900, pendingMinor: 0 });
  });

  it('a partial payment then expiry is an expired invoice holding the partial amount', async () => {
    const { invoiceId } = await openInvoice();
    btcpay.pay(invoiceId, '0.00039012', { confirmed: true });
    const fact = await lastFact(btcpay.expire(invoiceId));
    expect(fact).toMatchObject({ state: 'expired', settledMinor: 2450, paidLate: false });
  });

  it('a payment after expiry is marked late, and an over-payment is worth more than the price', async () => {
    const late = await openInvoice();
    btcpay.expire(late.invoiceId);
    const lateFact = await lastFact(btcpay.pay(late.invoiceId, btcpay.dueAmount(late.invoiceId), { confirmed: true }));
    expect(lateFact).toMatchObject({ state: 'expired', paidLate: true, settledMinor: 4900 });

    const over = await openInvoice();
    const overFact = await lastFact(btcpay.pay(over.invoiceId, '0.00100000', { confirmed: true }));
    expect(overFact).toMatchObject({ state: 'settled', priceMinor: 4900, settledMinor: 6280 });
  });

  it('a payment that never confirms ends invalid; the store’s own marks are reported as marked', async () => {
    const dropped = await openInvoice();
    btcpay.pay(dropped.invoiceId, btcpay.dueAmount(dropped.invoiceId));
    const droppedFact = await lastFact(btcpay.invalidatePayments(dropped.invoiceId));
    expect(droppedFact).toMatchObject({ state: 'invalid', settledMinor: 0, pendingMinor: 0 });

    const marked = await openInvoice();
    expect(await lastFact(btcpay.mark(marked.invoiceId, 'Settled'))).toMatchObject({
      state: 'settled',
      manuallyMarked: true,
      settledMinor: 0,
    });
    expect(await lastFact(btcpay.mark(marked.invoiceId, 'Invalid'))).toMatchObject({
      state: 'invalid',
      manuallyMarked: true,
    });
  });

  it('acts on what BTCPay says now, not on the body: a stale "settled" delivery for an open invoice reads open', async () => {
    const paid = await openInvoice();
    const [, settledDelivery] = btcpay.pay(paid.invoiceId, btcpay.dueAmount(paid.invoiceId), { confirmed: true });
    const open = await openInvoice();
    const replayedAtOther = settledDelivery!.body.replace(paid.invoiceId, open.invoiceId);
    const event = await provider.parseEvent(replayedAtOther);
    expect(event).toMatchObject({ kind: 'crypto_invoice.updated', invoice: { state: 'open', settledMinor: 0 } });
  });

  it('an invoice BTCPay does not know is ignored rather than retried forever', async () => {
    const body = JSON.stringify({
      deliveryId: 'd',
      originalDeliveryId: 'd',
      type: 'InvoiceSettled',
      invoiceId: 'NoSuchInvoice',
    });
    expect(await provider.parseEvent(body)).toMatchObject({ kind: 'ignore' });
    expect(await provider.fetchCryptoInvoice!('NoSuchInvoice')).toBeNull();
  });

  it('reconciliation lists the invoices created since a moment, each fetched in full', async () => {
    const since = new Date(Date.now() - 60_000);
    const { invoiceId } = await openInvoice();
    const listed = await provider.listCryptoInvoicesSince!(since);
    expect(listed.map((fact) => fact.providerInvoiceId)).toContain(invoiceId);
  });

  it('BTCPay down or refusing the key is a stable provider error, retryable only when it is down', async () => {
    const refused = createBtcpayProvider({
      baseUrl: btcpay.url,
      apiKey: 'wrong',
      storeId: btcpay.storeId,
      webhookSecrets: ['s'],
    });
    await expect(refused.createCheckout(proCheckout())).rejects.toMatchObject({ code: 'provider_rejected' });
    const down = createBtcpayProvider({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k',
      storeId: 's',
      webhookSecrets: ['s'],
    });
    await expect(down.createCheckout(proCheckout())).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    });
  });
});
