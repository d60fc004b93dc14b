import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.js';
import type { CreateCheckoutInput, CryptoInvoiceFact, PaymentProvider } from '../../../ports/payment-provider.js';
import { asObject, parseRawJson, stringifyRawJson } from '../../../testing/fake-bitpay/raw-json.js';
import { type FakeBitpay, startFakeBitpayServer } from '../../../testing/fake-bitpay-server.js';
import { readFixture } from '../../../testing/fixtures.js';
import { createBitpayClient } from './bitpay-client.js';
import { createBitpayProvider } from './bitpay-provider.js';
import { parseJsonExactNumbers } from './exact-json.js';

const webhookFixtures = [
  'extended.invoice_paidInFull.json',
  'extended.invoice_confirmed.json',
  'extended.invoice_completed.json',
  'extended.invoice_manuallyNotified.json',
  'extended.invoice_failedToConfirm.json',
  'extended.invoice_expired.json',
  'standard.invoice_confirmed.json',
] as const;

const webhookBody = (name: string) => readFixture('bitpay', 'webhooks', name);
/** The invoice a notification fixture describes, as BitPay would hold it (exact number text). */
const invoiceOfNotification = (name: string) => {
  const body = asObject(parseRawJson(webhookBody(name)));
  return stringifyRawJson(name.startsWith('standard.') ? body : asObject(body.data));
};

let fake: FakeBitpay;
const now = new Date('2026-12-01T12:00:00Z');
let provider: PaymentProvider;

beforeAll(async () => {
  fake = await startFakeBitpayServer();
  provider = createBitpayProvider({
    token: fake.token,
    apiBase: fake.url,
    publicUrl: 'https://shop.example',
    clock: { now: () => now },
  });
});
afterAll(() => fake.close());

const checkout = (checkoutId: string, overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput => ({
  checkoutId,
  userId: 'user-1',
  email: null,
  providerCustomerId: null,
  mode: 'payment',
  lines: [
    {
      planId: 'pro',
      planName: 'Pro',
      planPriceId: 'price-pro-month',
      providerPriceId: null,
      amountMinor: 4900,
      currency: 'usd',
      interval: 'month',
      quantity: 1,
    },
  ],
  successUrl: 'https://shop.example/billing/success',
  cancelUrl: 'https://shop.example/pricing',
  idempotencyKey: `checkout-${checkoutId}`,
  metadata: {},
  ...overrides,
});

async function invoiceFact(invoiceId: string): Promise<CryptoInvoiceFact> {
  const event = await provider.parseEvent(fake.notificationBody(invoiceId));
  if (event.kind !== 'crypto_invoice.updated') throw new Error(`expected an invoice update, got ${event.kind}`);
  return event.invoice;
}

const expectAppError = async (promise: Promise<unknown>, code: string, status?: number) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (status !== undefined) expect((error as AppError).status).toBe(status);
};

describe('BitPay notifications are accepted unsigned, and only as a trigger', () => {
  it.each(webhookFixtures)('accepts %s with an inbox key that trusts nothing in the body', (name) => {
    const body = Buffer.from(webhookBody(name));
    const first = provider.verifyWebhook(body, {});
    const second = provider.verifyWebhook(body, {});
    expect(first.providerEventId).toMatch(/^bitpay:MV9fy5iNDkqrg4qrfYpw75:\d+:[0-9a-f]{16}$/);
    // The same body twice is two inbox rows: a forged copy cannot take the key of the real one.
    expect(second.providerEventId).not.toBe(first.providerEventId);
    expect(first.handled).toBe(true);
    expect(first.eventType).toBe(
      name.startsWith('standard.') ? 'invoice_confirmed' : name.replace(/^extended\.|\.json$/g, ''),
    );
  });

  it.each([
    ['not JSON', 'hello'],
    ['JSON that is no notification', '{"hello":1}'],
    [
      'an invoice id that could reach a URL path',
      '{"event":{"code":1005,"name":"invoice_confirmed"},"data":{"id":"../x"}}',
    ],
    ['an empty body', ''],
  ])('refuses %s with 400 webhook_payload_invalid', async (_label, body) => {
    await expectAppError((async () => provider.verifyWebhook(Buffer.from(body), {}))(), 'webhook_payload_invalid', 400);
  });
});

describe('amounts above 2^53 are read exactly', () => {
  it('keeps every digit of the fixture paymentTotals, where JSON.parse rounds them', () => {
    const text = webhookBody('extended.invoice_confirmed.json');
    const exact = parseJsonExactNumbers(text) as { data: { paymentTotals: Record<string, string> } };
    expect(exact.data.paymentTotals.PAX).toBe('76700000000000000000');
    expect(exact.data.paymentTotals.MATIC).toBe('69057493000000000000');
    expect(exact.data.paymentTotals.ETH).toBe('48312000000000000');
    // The trap being avoided: the native parser changes the value.
    const lossy = JSON.parse(text) as { data: { paymentTotals: Record<string, number> } };
    expect(BigInt(lossy.data.paymentTotals.MATIC!)).not.toBe(69057493000000000000n);
  });

  it('keeps them exact through the stand-in and the client', async () => {
    const id = fake.seedInvoice(invoiceOfNotification('extended.invoice_confirmed.json'));
    const client = createBitpayClient({ apiBase: fake.url, token: fake.token });
    const invoice = await client.getInvoice(id);
    expect(invoice?.paymentTotals?.MATIC).toBe('69057493000000000000');
    expect(invoice?.paymentTotals?.BUSD).toBe('76700000000000000000');
    expect(invoice?.price).toBe('76.7');
  });
});

describe('parseEvent acts on the invoice fetched from BitPay', () => {
  const expected: Record<
    (typeof webhookFixtures)[number],
    Pick<CryptoInvoiceFact, 'state' | 'settledMinor' | 'pendingMinor'>
  > = {
    'extended.invoice_paidInFull.json': { state: 'processing', settledMinor: 0, pendingMinor: 7670 },
    'extended.invoice_confirmed.json': { state: 'settled', settledMinor: 7670, pendingMinor: 0 },
    'extended.invoice_completed.json': { state: 'settled', settledMinor: 7670, pendingMinor: 0 },
    'extended.invoice_manuallyNotified.json': { state: 'settled', settledMinor: 7670, pendingMinor: 0 },
    'extended.invoice_failedToConfirm.json': { state: 'invalid', settledMinor: 0, pendingMinor: 0 },
    'extended.invoice_expired.json': { state: 'expired', settledMinor: 0, pendingMinor: 0 },
    'standard.invoice_confirmed.json': { state: 'settled', settledMinor: 7670, pendingMinor: 0 },
  };

  it.each(webhookFixtures)('maps %s with exact fiat and crypto amounts', async (name) => {
    fake.seedInvoice(invoiceOfNotification(name));
    const event = await provider.parseEvent(webhookBody(name));
    expect(event.kind).toBe('crypto_invoice.updated');
    if (event.kind !== 'crypto_invoice.updated') return;
    const { invoice } = event;
    expect(invoice).toMatchObject({
      provider: 'bitpay',
      providerInvoiceId: 'MV9fy5iNDkqrg4qrfYpw75',
      priceMinor: 7670,
      currency: 'usd',
      paidLate: false,
      // Another shop's posData is not ours.
      userId: null,
      checkoutId: null,
      createdAt: new Date(1678714659517),
      ...expected[name],
    });
    if (name === 'extended.invoice_expired.json') {
      expect(invoice.payments).toEqual([]);
      return;
    }
    expect(invoice.payments).toEqual([
      {
        providerPaymentId: 'MV9fy5iNDkqrg4qrfYpw75:paid',
        cryptoCode: 'BTC',
        cryptoAmount: '0.003471',
        // No quoted rate in these invoices: the price over the BTC total asked, exactly truncated.
        rate: '22097.378277153',
        fiatMinor: 7670,
        status: invoice.state === 'invalid' ? 'invalid' : invoice.state === 'processing' ? 'pending' : 'settled',
      },
    ]);
  });

  it('reads the fetched-invoice fixture: its transaction, BitPay rate and exact fiat value', async () => {
    const fixture = asObject(parseRawJson(readFixture('bitpay', 'api', 'get-invoice.response.json')));
    const id = fake.seedInvoice(stringifyRawJson(fixture.data!));
    const fact = await provider.fetchCryptoInvoice?.(id);
    expect(fact).toMatchObject({ state: 'settled', priceMinor: 2000, currency: 'usd', settledMinor: 2000 });
    expect(fact?.payments).toEqual([
      {
        providerPaymentId: '0638edcce08856726135e4f464e603706bc12313fd9a9cd046a177e4ffce98dd',
        cryptoCode: 'BCH',
        cryptoAmount: '0.007391',
        rate: '1352.90925',
        fiatMinor: 2000,
        status: 'settled',
      },
    ]);
  });

  it('a forged notification claiming complete yields what BitPay says: still open', async () => {
    const { providerSessionId } = await provider.createCheckout(checkout('checkout-forged'));
    const forged = webhookBody('extended.invoice_completed.json').replaceAll(
      'MV9fy5iNDkqrg4qrfYpw75',
      providerSessionId,
    );
    const event = await provider.parseEvent(forged);
    expect(event).toMatchObject({
      kind: 'crypto_invoice.updated',
      invoice: { providerInvoiceId: providerSessionId, state: 'open', settledMinor: 0, pendingMinor: 0, payments: [] },
    });
  });

  it('a notification naming an invoice BitPay does not have is ignored, not an error', async () => {
    const unknown = webhookBody('extended.invoice_completed.json').replaceAll(
      'MV9fy5iNDkqrg4qrfYpw75',
      'NoSuchInvoice123',
    );
    expect(await provider.parseEvent(unknown)).toEqual({
      kind: 'ignore',
      reason: 'BitPay has no invoice NoSuchInvoice123',
    });
    expect(await provider.fetchCryptoInvoice?.('NoSuchInvoice123')).toBeNull();
  });
});

describe('every BitPay status and payment case maps to one defined state', () => {
  it('new, paid partially, then expired: open, then expired holding the confirmed half', async () => {
    const { providerSessionId: id } = await provider.createCheckout(checkout('checkout-partial'));
    expect(await invoiceFact(id)).toMatchObject({ state: 'open', priceMinor: 4900, settledMinor: 0 });
    fake.payPartial(id, 1);
    const partial = await invoiceFact(id);
    expect(partial).toMatchObject({ state: 'open', settledMinor: 2450, pendingMinor: 0 });
    // The template invoice asks 29600 sat; half of it is 14800 sat.
    expect(partial.payments[0]).toMatchObject({ cryptoCode: 'BTC', cryptoAmount: '0.000148', fiatMinor: 2450 });
    fake.setStatus(id, 'expired');
    expect(await invoiceFact(id)).toMatchObject({ state: 'expired', settledMinor: 2450, paidLate: false });
  });

  it('an unconfirmed partial payment is pending, not credited', async () => {
    const { providerSessionId: id } = await provider.createCheckout(checkout('checkout-partial-unconfirmed'));
    fake.payPartial(id, 0);
    expect(await invoiceFact(id)).toMatchObject({ state: 'open', settledMinor: 0, pendingMinor: 2450 });
  });

  it('paid over: processing with the whole amount pending, then settled with all of it', async () => {
    const { providerSessionId: id } = await provider.createCheckout(checkout('checkout-over'));
    fake.payOver(id);
    expect(await invoiceFact(id)).toMatchObject({ state: 'processing', settledMinor: 0, pendingMinor: 7350 });
    fake.setStatus(id, 'confirmed');
    const confirmed = await invoiceFact(id);
    expect(confirmed).toMatchObject({ state: 'settled', settledMinor: 7350, pendingMinor: 0 });
    expect(confirmed.payments[0]).toMatchObject({ cryptoAmount: '0.000444', fiatMinor: 7350, status: 'settled' });
  });

  it('paid late: expired, marked late, with the confirmed payment credited', async () => {
    const { providerSessionId: id } = await provider.createCheckout(checkout('checkout-late'));
    fake.payLate(id);
    expect(await invoiceFact(id)).toMatchObject({ state: 'expired', paidLate: true, settledMinor: 4900 });
  });

  it.each([
    ['complete', 'settled', 4900],
    ['confirmed', 'settled', 4900],
    ['invalid', 'invalid', 0],
    ['declined', 'invalid', 0],
    ['refunded', 'refunded', 4900],
  ] as const)('paid in full then %s is %s', async (status, state, settledMinor) => {
    const { providerSessionId: id } = await provider.createCheckout(checkout(`checkout-${status}`));
    fake.pay(id);
    expect(await invoiceFact(id)).toMatchObject({ state: 'processing', pendingMinor: 4900 });
    fake.setStatus(id, status);
    expect(await invoiceFact(id)).toMatchObject({ state, settledMinor, pendingMinor: 0 });
  });

  it('an invoice of ours carries our user id (posData) and checkout id (orderId)', async () => {
    const { providerSessionId: id } = await provider.createCheckout(checkout('checkout-ids'));
    expect(await invoiceFact(id)).toMatchObject({ userId: 'user-1', checkoutId: 'checkout-ids' });
  });
});

describe('checkout', () => {
  it('creates one invoice per checkout, however often the create is retried', async () => {
    const before = fake.invoiceIds().length;
    const first = await provider.createCheckout(checkout('checkout-retried'));
    const second = await provider.createCheckout(checkout('checkout-retried'));
    expect(second.providerSessionId).toBe(first.providerSessionId);
    expect(second.url).toBe(first.url);
    expect(fake.invoiceIds().length).toBe(before + 1);
  });

  it('asks BitPay for the discounted fiat price with our ids, notification URL and extended notifications', async () => {
    const discount = {
      code: 'TENOFF',
      percentOff: 10,
      amountOffMinor: null,
      currency: null,
      duration: 'once' as const,
      durationInMonths: null,
      maxRedemptions: null,
      providerCouponId: null,
    };
    const result = await provider.createCheckout(checkout('checkout-request', { discount }));
    const create = fake.requests.findLast((request) => request.method === 'POST');
    expect(create?.headers['x-accept-version']).toBe('2.0.0');
    const body = JSON.parse(create?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      token: fake.token,
      price: 44.1,
      currency: 'USD',
      orderId: 'checkout-request',
      notificationURL: 'https://shop.example/v1/webhooks/bitpay',
      extendedNotifications: true,
      redirectURL: 'https://shop.example/billing/success',
    });
    expect(JSON.parse(String(body.posData))).toEqual({ user_id: 'user-1' });
    expect(body.guid).toBe('checkout-request');
    expect(result.url).toBe(`${fake.url}/invoice?id=${result.providerSessionId}`);
  });

  it('lists the invoices created since a moment, for reconciliation', async () => {
    fake.setNow(new Date('2026-11-20T10:00:00Z'));
    const old = await provider.createCheckout(checkout('checkout-old'));
    fake.setNow(new Date('2026-12-01T11:00:00Z'));
    const recent = await provider.createCheckout(checkout('checkout-recent'));
    fake.setNow(null);
    const listed = await provider.listCryptoInvoicesSince?.(new Date('2026-12-01T00:00:00Z'));
    const ids = listed?.map((invoice) => invoice.providerInvoiceId) ?? [];
    expect(ids).toContain(recent.providerSessionId);
    expect(ids).not.toContain(old.providerSessionId);
  });
});

describe('what BitPay cannot do is refused with a stable code', () => {
  it.each([
    ['fetchSubscription', () => provider.fetchSubscription('sub')],
    ['cancel', () => provider.cancel({ providerSubscriptionId: 'sub', atPeriodEnd: true, idempotencyKey: 'k' })],
    ['resume', () => provider.resume({ providerSubscriptionId: 'sub', idempotencyKey: 'k' })],
    [
      'refund',
      () => provider.refund({ providerPaymentId: 'p', chargeReference: null, amountMinor: null, idempotencyKey: 'k' }),
    ],
  ])('%s', async (_name, operation) => {
    await expectAppError(operation(), 'provider_operation_unsupported');
  });

  it('has no portal', async () => {
    expect(
      await provider.createPortalSession({ providerCustomerId: 'c', returnUrl: 'https://shop.example' }),
    ).toBeNull();
  });
});
