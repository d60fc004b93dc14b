import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBtcpayPayload } from '../billing/providers/btcpay/verify-btcpay-webhook.js';
import { readJsonFixture } from './fixtures.js';

type Json = Record<string, unknown>;

interface FakePayment {
  id: string;
  receivedDate: number;
  value: string;
  fee: string;
  status: 'Processing' | 'Settled' | 'Invalid';
  destination: string;
}

interface FakeInvoice {
  invoice: Json;
  payments: FakePayment[];
}

export interface BtcpayDelivery {
  type: string;
  body: string;
  headers: Record<string, string>;
}

/** The rate every fake invoice is priced at (USD per BTC), as in BTCPay's own fixture. */
export const fakeBtcpayRate = '62800.25';
const satoshisPerBitcoin = 100_000_000n;
const rateCents = 6_280_025n;

const base58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const btcpayId = (length = 22) => Array.from(randomBytes(length), (byte) => base58[byte % base58.length]).join('');

const satoshisText = (satoshis: bigint) =>
  `${satoshis / satoshisPerBitcoin}.${String(satoshis % satoshisPerBitcoin).padStart(8, '0')}`;
const satoshisOf = (value: string) => {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * satoshisPerBitcoin + BigInt(fraction.padEnd(8, '0').slice(0, 8));
};
const centsOf = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
};

/**
 * A BTCPay Server on 127.0.0.1 for tests, answering the Greenfield calls the adapter makes in
 * the shapes of BTCPay's own fixtures, with controls that play the payer, the blockchain and the
 * store owner. Each control returns the webhook deliveries BTCPay would send, signed with the
 * store webhook's secret, in BTCPay's byte format (2-space JSON).
 */
export async function startFakeBtcpay(options: { apiKey?: string; webhookSecret?: string } = {}) {
  const apiKey = options.apiKey ?? `btcpay_test_${btcpayId(16)}`;
  const webhookSecret = options.webhookSecret ?? btcpayId(27);
  const storeId = btcpayId(44);
  const webhookId = btcpayId();
  const invoices = new Map<string, FakeInvoice>();
  const webhooks: Json[] = [];
  let now = () => Math.floor(Date.now() / 1000);
  let url = '';

  const template = readJsonFixture<Json>('btcpay', 'api', 'create-invoice.response.json');
  const methodTemplate = readJsonFixture<Json[]>('btcpay', 'api', 'get-invoice-payment-methods.response.json')[0]!;

  function send(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function readBody(request: IncomingMessage): Promise<Json> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json) : {};
  }

  const dueSatoshis = (entry: FakeInvoice) => {
    const cents = centsOf(String(entry.invoice.amount));
    // Rounded up, as BTCPay asks for at least the price.
    return (cents * satoshisPerBitcoin + rateCents - 1n) / rateCents;
  };
  const paidSatoshis = (entry: FakeInvoice, statuses: FakePayment['status'][]) =>
    entry.payments
      .filter((payment) => statuses.includes(payment.status))
      .reduce((sum, p) => sum + satoshisOf(p.value), 0n);

  function paymentMethods(entry: FakeInvoice): Json[] {
    const due = dueSatoshis(entry);
    const paid = paidSatoshis(entry, ['Processing', 'Settled']);
    return [
      {
        ...methodTemplate,
        rate: fakeBtcpayRate,
        amount: satoshisText(due),
        paymentMethodPaid: satoshisText(paid),
        totalPaid: satoshisText(paid),
        due: satoshisText(due > paid ? due - paid : 0n),
        payments: entry.payments,
      },
    ];
  }

  function delivery(type: string, entry: FakeInvoice, fields: Json): BtcpayDelivery {
    const deliveryId = btcpayId();
    const template = readJsonFixture<Json>('btcpay', 'webhooks', `${type}.json`);
    const event: Json = {};
    // Key order follows BTCPay's own payload: event-specific fields first, then the envelope.
    for (const key of Object.keys(template)) event[key] = template[key];
    Object.assign(event, fields, {
      deliveryId,
      webhookId,
      originalDeliveryId: deliveryId,
      isRedelivery: false,
      type,
      timestamp: now(),
      storeId,
      invoiceId: entry.invoice.id,
      metadata: entry.invoice.metadata,
    });
    const body = JSON.stringify(event, null, 2);
    return {
      type,
      body,
      headers: { 'content-type': 'application/json', 'btcpay-sig': signBtcpayPayload(body, webhookSecret) },
    };
  }

  function entryOf(invoiceId: string): FakeInvoice {
    const entry = invoices.get(invoiceId);
    if (!entry) throw new Error(`fake BTCPay has no invoice ${invoiceId}`);
    return entry;
  }

  const expired = (entry: FakeInvoice) => now() >= Number(entry.invoice.expirationTime);

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.headers.authorization !== `token ${apiKey}`) return send(response, 401, { code: 'unauthenticated' });
    const address = new URL(request.url ?? '/', url);
    const path = address.pathname;
    const storeInvoices = `/api/v1/stores/${storeId}/invoices`;
    if (path === storeInvoices && request.method === 'POST') {
      const body = await readBody(request);
      const id = btcpayId();
      const checkout = { ...(template.checkout as Json), ...((body.checkout as Json | undefined) ?? {}) };
      const created = now();
      const invoice: Json = {
        ...template,
        id,
        storeId,
        amount: String(body.amount),
        paidAmount: '0',
        currency: String(body.currency ?? 'USD'),
        checkoutLink: `${url}/i/${id}`,
        status: 'New',
        additionalStatus: 'None',
        createdTime: created,
        expirationTime: created + Number(checkout.expirationMinutes ?? 15) * 60,
        monitoringExpiration: created + 24 * 3600,
        metadata: body.metadata ?? {},
        checkout,
      };
      invoices.set(id, { invoice, payments: [] });
      return send(response, 200, invoice);
    }
    if (path === storeInvoices && request.method === 'GET') {
      const orderIds = address.searchParams.getAll('orderId');
      const startDate = Number(address.searchParams.get('startDate') ?? 0);
      const found = [...invoices.values()]
        .map((entry) => entry.invoice)
        .filter((invoice) => orderIds.length === 0 || orderIds.includes(String((invoice.metadata as Json).orderId)))
        .filter((invoice) => Number(invoice.createdTime) >= startDate)
        .reverse();
      return send(response, 200, found);
    }
    const invoiceMatch = /^\/api\/v1\/invoices\/([^/]+)(\/payment-methods)?$/.exec(path);
    if (invoiceMatch && request.method === 'GET') {
      const entry = invoices.get(decodeURIComponent(invoiceMatch[1]!));
      if (!entry) return send(response, 404, { code: 'invoice-not-found', message: 'The invoice was not found' });
      return send(response, 200, invoiceMatch[2] ? paymentMethods(entry) : entry.invoice);
    }
    if (path === `/api/v1/stores/${storeId}/webhooks`) {
      if (request.method === 'GET') return send(response, 200, webhooks);
      const body = await readBody(request);
      const webhook = { id: btcpayId(), ...body, secret: body.secret || webhookSecret };
      webhooks.push(webhook);
      return send(response, 200, webhook);
    }
    return send(response, 404, { code: 'not-found' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Re-derives status from payments, as BTCPay does after each payment or confirmation. */
  function settle(entry: FakeInvoice): BtcpayDelivery[] {
    const due = dueSatoshis(entry);
    const seen = paidSatoshis(entry, ['Processing', 'Settled']);
    const confirmed = paidSatoshis(entry, ['Settled']);
    const invoice = entry.invoice;
    invoice.paidAmount = satoshisText(seen);
    const late = invoice.status === 'Expired' || (invoice.status === 'New' && expired(entry));
    if (late) {
      invoice.status = 'Expired';
      if (seen > 0n) invoice.additionalStatus = seen >= due ? 'PaidLate' : 'PaidPartial';
      return [];
    }
    const over = seen > due;
    if (confirmed >= due) {
      invoice.status = 'Settled';
      invoice.additionalStatus = over ? 'PaidOver' : 'None';
      return [delivery('InvoiceSettled', entry, { manuallyMarked: false, overPaid: over })];
    }
    if (seen >= due) {
      invoice.status = 'Processing';
      invoice.additionalStatus = over ? 'PaidOver' : 'None';
      return [delivery('InvoiceProcessing', entry, { overPaid: over })];
    }
    if (seen > 0n) invoice.additionalStatus = 'PaidPartial';
    return [];
  }

  return {
    url,
    apiKey,
    storeId,
    webhookSecret,
    invoices: () => [...invoices.values()].map((entry) => ({ ...entry.invoice })),
    /** The crypto amount that pays an invoice exactly (at the fake rate). */
    dueAmount: (invoiceId: string) => satoshisText(dueSatoshis(entryOf(invoiceId))),
    /** Moves the fake's clock (invoice expiry and event timestamps), in seconds since the epoch. */
    setNow(seconds: (() => number) | number) {
      now = typeof seconds === 'number' ? () => seconds : seconds;
    },
    /** A payer sends `value` BTC; `confirmed` puts it straight into a block. */
    pay(invoiceId: string, value: string, options: { confirmed?: boolean } = {}): BtcpayDelivery[] {
      const entry = entryOf(invoiceId);
      const afterExpiration = entry.invoice.status === 'Expired' || expired(entry);
      const payment: FakePayment = {
        id: `${randomBytes(32).toString('hex')}-${entry.payments.length}`,
        receivedDate: now(),
        value,
        fee: '0.0000021',
        status: options.confirmed ? 'Settled' : 'Processing',
        destination: String(methodTemplate.destination),
      };
      entry.payments.push(payment);
      const received = delivery('InvoiceReceivedPayment', entry, {
        afterExpiration,
        paymentMethodId: 'BTC-CHAIN',
        payment: { ...payment, status: 'Processing' },
      });
      const settled = options.confirmed
        ? [delivery('InvoicePaymentSettled', entry, { afterExpiration, paymentMethodId: 'BTC-CHAIN', payment })]
        : [];
      return [received, ...settled, ...settle(entry)];
    },
    /** Every unconfirmed payment gets its confirmations. */
    confirm(invoiceId: string): BtcpayDelivery[] {
      const entry = entryOf(invoiceId);
      const afterExpiration = entry.invoice.status === 'Expired';
      const deliveries: BtcpayDelivery[] = [];
      for (const payment of entry.payments.filter((each) => each.status === 'Processing')) {
        payment.status = 'Settled';
        deliveries.push(
          delivery('InvoicePaymentSettled', entry, { afterExpiration, paymentMethodId: 'BTC-CHAIN', payment }),
        );
      }
      return [...deliveries, ...settle(entry)];
    },
    /** A payment is double-spent or dropped: it will never confirm. */
    invalidatePayments(invoiceId: string): BtcpayDelivery[] {
      const entry = entryOf(invoiceId);
      for (const payment of entry.payments) if (payment.status === 'Processing') payment.status = 'Invalid';
      if (entry.invoice.status === 'Processing') entry.invoice.status = 'Invalid';
      return entry.invoice.status === 'Invalid' ? [delivery('InvoiceInvalid', entry, { manuallyMarked: false })] : [];
    },
    /** The invoice's payment window closes. */
    expire(invoiceId: string): BtcpayDelivery[] {
      const entry = entryOf(invoiceId);
      if (entry.invoice.status !== 'New') return [];
      const partiallyPaid = paidSatoshis(entry, ['Processing', 'Settled']) > 0n;
      entry.invoice.status = 'Expired';
      if (partiallyPaid) entry.invoice.additionalStatus = 'PaidPartial';
      return [delivery('InvoiceExpired', entry, { partiallyPaid })];
    },
    /** The store owner marks the invoice settled or invalid by hand. */
    mark(invoiceId: string, status: 'Settled' | 'Invalid'): BtcpayDelivery[] {
      const entry = entryOf(invoiceId);
      entry.invoice.status = status;
      entry.invoice.additionalStatus = 'Marked';
      return status === 'Settled'
        ? [delivery('InvoiceSettled', entry, { manuallyMarked: true, overPaid: false })]
        : [delivery('InvoiceInvalid', entry, { manuallyMarked: true })];
    },
    /** The "invoice created" delivery, as BTCPay sends right after creation. */
    created: (invoiceId: string) => [delivery('InvoiceCreated', entryOf(invoiceId), {})],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeBtcpay = Awaited<ReturnType<typeof startFakeBtcpay>>;
