import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  asObject,
  numberText,
  parseRawJson,
  type RawJson,
  rawNumber,
  stringifyRawJson,
} from './fake-bitpay/raw-json.js';
import { readFixture } from './fixtures.js';

export type { RawJson } from './fake-bitpay/raw-json.js';

export type BitpayStatus = 'new' | 'paid' | 'confirmed' | 'complete' | 'expired' | 'invalid' | 'declined' | 'refunded';

export interface RecordedBitpayRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A stateful BitPay on 127.0.0.1 for tests, answering the invoice API in the shapes of the
 * fixtures (test-fixtures/bitpay/api): create, fetch by id and by guid, search by orderId and
 * by date. Amounts are kept as exact number text, so the big integers BitPay sends stay exact.
 * The controls play the buyer, the chain and BitPay's back office.
 */
export interface FakeBitpay {
  /** Base URL, e.g. `http://127.0.0.1:54321`: give it as BITPAY_API_BASE. */
  readonly url: string;
  /** The token the fake accepts (BITPAY_TOKEN). */
  readonly token: string;
  readonly requests: RecordedBitpayRequest[];
  /** Every invoice id held, in creation order. */
  invoiceIds(): string[];
  /** An invoice's current JSON text, exactly as GET /invoices/:id would answer its data. */
  invoiceText(invoiceId: string): string;
  /** Puts an invoice (a fixture's `data`, or a notification's) into the state as is. */
  seedInvoice(invoiceJson: string): string;
  setNow(date: Date | null): void;
  /**
   * The buyer sends `amount` (smallest unit) of `cryptoCode`, or a share of what the invoice
   * asks: `full`, `partial` (half), `over` (one and a half). Sets amountPaid, the transaction,
   * exceptionStatus (paidPartial / paidOver, paidLate after expiry) and `paid` when covered.
   */
  pay(
    invoiceId: string,
    payment?: { share?: 'full' | 'partial' | 'over'; amount?: bigint; cryptoCode?: string; confirmations?: number },
  ): void;
  /** BitPay moves the invoice; confirmed and complete also confirm its transactions. */
  setStatus(invoiceId: string, status: BitpayStatus): void;
  payPartial(invoiceId: string, confirmations?: number): void;
  payOver(invoiceId: string): void;
  /** Expires the invoice, then a full payment arrives. */
  payLate(invoiceId: string, confirmations?: number): void;
  /** The extended notification BitPay would POST for the invoice now (or a given event). */
  notificationBody(invoiceId: string, event?: { code: number; name: string }): string;
  close(): Promise<void>;
}

const eventOfStatus: Record<BitpayStatus, { code: number; name: string }> = {
  new: { code: 1012, name: 'invoice_manuallyNotified' },
  paid: { code: 1003, name: 'invoice_paidInFull' },
  expired: { code: 1004, name: 'invoice_expired' },
  confirmed: { code: 1005, name: 'invoice_confirmed' },
  complete: { code: 1006, name: 'invoice_completed' },
  invalid: { code: 1013, name: 'invoice_failedToConfirm' },
  declined: { code: 1019, name: 'invoice_declined' },
  refunded: { code: 1016, name: 'invoice_refundComplete' },
};

const base58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const invoiceIdOf = () => Array.from(randomBytes(22), (byte) => base58[byte % base58.length]).join('');

export const startFakeBitpayServer = async (options: { token?: string } = {}): Promise<FakeBitpay> => {
  const token = options.token ?? `bitpay-test-token-${randomBytes(6).toString('hex')}`;
  const invoices = new Map<string, { [key: string]: RawJson }>();
  const requests: RecordedBitpayRequest[] = [];
  let frozenNow: Date | null = null;
  const now = () => frozenNow?.getTime() ?? Date.now();
  let url = '';

  const template = () =>
    asObject(asObject(parseRawJson(readFixture('bitpay', 'api', 'create-invoice.response.json'))).data);
  const exampleTransaction = () => {
    const fetched = asObject(asObject(parseRawJson(readFixture('bitpay', 'api', 'get-invoice.response.json'))).data);
    return asObject((fetched.transactions as RawJson[])[0]);
  };
  const find = (invoiceId: string) => {
    const invoice = invoices.get(invoiceId);
    if (!invoice) throw new Error(`the fake BitPay has no invoice ${invoiceId}`);
    return invoice;
  };

  function createInvoice(request: { [key: string]: RawJson }): { [key: string]: RawJson } {
    const id = invoiceIdOf();
    const created = now();
    const invoice = template();
    Object.assign(invoice, {
      id,
      url: `${url}/invoice?id=${id}`,
      status: 'new',
      price: request.price ?? rawNumber(0),
      currency: request.currency ?? 'USD',
      itemDesc: request.itemDesc ?? null,
      orderId: request.orderId ?? null,
      guid: request.guid ?? null,
      posData: request.posData ?? null,
      redirectURL: request.redirectURL ?? null,
      closeURL: request.closeURL ?? null,
      notificationURL: request.notificationURL ?? null,
      extendedNotifications: request.extendedNotifications ?? false,
      invoiceTime: rawNumber(created),
      expirationTime: rawNumber(created + 15 * 60_000),
      currentTime: rawNumber(created),
      amountPaid: rawNumber(0),
      displayAmountPaid: '0',
      exceptionStatus: false,
      transactions: [],
      token: `invoice-token-${id}`,
    });
    invoices.set(id, invoice);
    return invoice;
  }

  const send = (response: ServerResponse, status: number, body: RawJson) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(stringifyRawJson(body));
  };
  const answer = (response: ServerResponse, data: RawJson) =>
    send(response, 200, { facade: 'merchant/invoice', data: withCurrentTime(data) });
  const withCurrentTime = (data: RawJson): RawJson =>
    Array.isArray(data) ? data.map(withCurrentTime) : { ...asObject(data), currentTime: rawNumber(now()) };
  const notFound = (response: ServerResponse) =>
    send(response, 404, { status: 'error', code: '404', data: null, error: 'Object not found' });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const address = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(address.searchParams);
    requests.push({ method: request.method ?? '', path: address.pathname, query, headers: request.headers, body });
    const parts = address.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'invoices') return notFound(response);
    if (request.method === 'POST' && parts.length === 1) {
      const payload = asObject(parseRawJson(body));
      if (payload.token !== token) return send(response, 401, { status: 'error', error: 'Unauthorized' });
      return answer(response, createInvoice(payload));
    }
    if (request.method !== 'GET') return notFound(response);
    if (query.token !== token) return send(response, 401, { status: 'error', error: 'Unauthorized' });
    if (parts.length === 2) {
      const invoice = invoices.get(decodeURIComponent(parts[1]!));
      return invoice ? answer(response, invoice) : notFound(response);
    }
    if (parts.length === 3 && parts[1] === 'guid') {
      const guid = decodeURIComponent(parts[2]!);
      const invoice = [...invoices.values()].find((candidate) => candidate.guid === guid);
      return invoice ? answer(response, invoice) : notFound(response);
    }
    if (parts.length === 1) {
      // Dates are whole days (UTC), dateEnd included, as BitPay's search takes them.
      const start = query.dateStart ? Date.parse(`${query.dateStart}T00:00:00Z`) : 0;
      const end = query.dateEnd ? Date.parse(`${query.dateEnd}T00:00:00Z`) + 86_400_000 : Number.POSITIVE_INFINITY;
      const matching = [...invoices.values()].filter((invoice) => {
        const created = Number(numberText(invoice.invoiceTime));
        return created >= start && created < end && (query.orderId === undefined || invoice.orderId === query.orderId);
      });
      const offset = Number(query.offset ?? 0);
      const limit = Number(query.limit ?? 100);
      return answer(response, matching.slice(offset, offset + limit));
    }
    return notFound(response);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { status: 'error', error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const asked = (invoice: { [key: string]: RawJson }, cryptoCode: string) =>
    BigInt(numberText(asObject(invoice.paymentTotals)[cryptoCode]));

  const fake: FakeBitpay = {
    url,
    token,
    requests,
    invoiceIds: () => [...invoices.keys()],
    invoiceText: (invoiceId) => stringifyRawJson(find(invoiceId)),
    seedInvoice(invoiceJson) {
      const invoice = asObject(parseRawJson(invoiceJson));
      const id = invoice.id;
      if (typeof id !== 'string') throw new Error('a seeded invoice needs an id');
      invoices.set(id, invoice);
      return id;
    },
    setNow(date) {
      frozenNow = date;
    },
    pay(invoiceId, payment = {}) {
      const invoice = find(invoiceId);
      const cryptoCode = payment.cryptoCode ?? 'BTC';
      const total = asked(invoice, cryptoCode);
      const share = payment.share ?? 'full';
      const amount =
        payment.amount ?? (share === 'full' ? total : share === 'partial' ? total / 2n : total + total / 2n);
      const paid = BigInt(numberText(invoice.amountPaid ?? rawNumber(0))) + amount;
      const transaction = exampleTransaction();
      Object.assign(transaction, {
        amount: rawNumber(amount),
        confirmations: rawNumber(payment.confirmations ?? 0),
        receivedTime: new Date(now()).toISOString(),
        txid: randomBytes(32).toString('hex'),
      });
      const expired = invoice.status === 'expired';
      Object.assign(invoice, {
        amountPaid: rawNumber(paid),
        transactionCurrency: cryptoCode,
        buyerProvidedInfo: { ...asObject(invoice.buyerProvidedInfo ?? {}), selectedTransactionCurrency: cryptoCode },
        transactions: [...((invoice.transactions as RawJson[] | undefined) ?? []), transaction],
        exceptionStatus: expired ? 'paidLate' : paid < total ? 'paidPartial' : paid > total ? 'paidOver' : false,
        ...(invoice.status === 'new' && paid >= total ? { status: 'paid' } : {}),
      });
    },
    setStatus(invoiceId, status) {
      const invoice = find(invoiceId);
      invoice.status = status;
      if (status !== 'confirmed' && status !== 'complete') return;
      invoice.transactions = ((invoice.transactions as RawJson[] | undefined) ?? []).map((entry) => {
        const transaction = asObject(entry);
        const confirmations = Number(numberText(transaction.confirmations ?? rawNumber(0)));
        return { ...transaction, confirmations: rawNumber(Math.max(confirmations, status === 'complete' ? 6 : 1)) };
      });
    },
    payPartial(invoiceId, confirmations = 1) {
      fake.pay(invoiceId, { share: 'partial', confirmations });
    },
    payOver(invoiceId) {
      fake.pay(invoiceId, { share: 'over' });
    },
    payLate(invoiceId, confirmations = 1) {
      fake.setStatus(invoiceId, 'expired');
      fake.pay(invoiceId, { share: 'full', confirmations });
    },
    notificationBody(invoiceId, event) {
      const invoice = find(invoiceId);
      const status = invoice.status as BitpayStatus;
      const chosen = event ?? eventOfStatus[status];
      // Built as text: the invoice's big integers must reach the body exactly as BitPay writes them.
      return `{"event":${JSON.stringify({ code: chosen.code, name: chosen.name })},"data":${stringifyRawJson(invoice)}}`;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return fake;
};
