import { AppError } from '../../../errors.js';
import { type BitpayInvoice, bitpayEnvelopeSchema, bitpayInvoiceSchema } from './bitpay-invoice.js';
import { parseJsonExactNumbers } from './exact-json.js';

export interface BitpayConnection {
  /** https://bitpay.com, https://test.bitpay.com, or a local stand-in in tests. */
  apiBase: string;
  /** The API token the invoice calls carry (`token` in the query or the body). */
  token: string;
  /** Per request; BitPay answers in well under a second when it is up. */
  timeoutMs?: number;
}

export interface BitpayCreateInvoiceRequest {
  /** Fiat amount in major units; a JSON number, as BitPay requires. */
  price: number;
  currency: string;
  orderId: string;
  guid: string;
  posData: string;
  itemDesc: string;
  notificationURL: string;
  extendedNotifications: boolean;
  redirectURL: string;
  closeURL: string;
}

/**
 * BitPay's invoice API over plain fetch, not the official `bitpay-sdk`: the SDK reads every
 * answer with `response.json()`, which rounds the amounts above 2^53 that BitPay sends
 * (paymentTotals in wei); its factories pick the host from Test/Prod only, so tests could not
 * point it at a local stand-in; and it signs merchant-facade calls with a private key we do
 * not hold for a token's simple invoice calls. The calls are the documented ones: `POST /invoices` with the
 * token in the body, `GET /invoices/:id?token=`, `GET /invoices/guid/:guid?token=` and
 * `GET /invoices?token=&dateStart=&dateEnd=`, each with `X-Accept-Version: 2.0.0`. Note: on
 * bitpay.com the date search needs the merchant facade, whose requests BitPay wants signed
 * with the key paired to the token (X-Identity / X-Signature); create and fetch do not.
 *
 * Every failure becomes one of our stable provider codes: 5xx, 429 and network errors are
 * retryable (`provider_unavailable`), any other refusal `provider_rejected`; a fetch of an
 * invoice BitPay does not have answers null.
 */
export function createBitpayClient(connection: BitpayConnection) {
  const timeoutMs = connection.timeoutMs ?? 10_000;
  const base = connection.apiBase.replace(/\/+$/, '');

  async function call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Record<string, string>; body?: object; missingIsNull?: boolean } = {},
  ): Promise<unknown> {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-accept-version': '2.0.0',
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw unavailable(operation, { cause: error });
    }
    const context = { provider: 'bitpay', operation, bitpayStatus: response.status };
    if (response.status === 404 && options.missingIsNull) return null;
    if (response.status === 429 || response.status >= 500) throw unavailable(operation, { context });
    let parsed: unknown;
    try {
      parsed = parseJsonExactNumbers(text);
    } catch (error) {
      throw new AppError('provider_response_invalid', `BitPay answered ${operation} with something not JSON`, {
        status: 502,
        context,
        cause: error,
      });
    }
    if (!response.ok) {
      // BitPay names the refusal in `error` (v1) or `message` (v2); a missing object may come as 4xx.
      const message = errorMessage(parsed);
      if (options.missingIsNull && /not found|no such/i.test(message)) return null;
      throw new AppError('provider_rejected', `BitPay rejected ${operation} (HTTP ${response.status})`, {
        status: 502,
        context: { ...context, bitpayError: message },
      });
    }
    const envelope = bitpayEnvelopeSchema.safeParse(parsed);
    if (!envelope.success)
      throw new AppError('provider_response_invalid', `BitPay answered ${operation} without data`, {
        status: 502,
        context,
      });
    return envelope.data.data;
  }

  const readInvoice = (operation: string, data: unknown): BitpayInvoice => {
    const invoice = bitpayInvoiceSchema.safeParse(data);
    if (invoice.success) return invoice.data;
    throw new AppError('provider_response_invalid', `BitPay answered ${operation} with an invoice we cannot read`, {
      status: 502,
      context: { provider: 'bitpay', operation, issues: invoice.error.issues.slice(0, 5) },
    });
  };

  const token = { token: connection.token };

  return {
    async createInvoice(body: BitpayCreateInvoiceRequest): Promise<BitpayInvoice> {
      return readInvoice(
        'invoice create',
        await call('invoice create', 'POST', '/invoices', { body: { ...body, ...token } }),
      );
    },

    /** The invoice as BitPay holds it now; null when BitPay has no such invoice (for our token). */
    async getInvoice(invoiceId: string): Promise<BitpayInvoice | null> {
      const data = await call('invoice fetch', 'GET', `/invoices/${encodeURIComponent(invoiceId)}`, {
        query: token,
        missingIsNull: true,
      });
      return data === null ? null : readInvoice('invoice fetch', data);
    },

    /** Our checkout id is the invoice's guid (and orderId): a retried create looks here first. */
    async getInvoiceByGuid(guid: string): Promise<BitpayInvoice | null> {
      const data = await call('invoice fetch by guid', 'GET', `/invoices/guid/${encodeURIComponent(guid)}`, {
        query: token,
        missingIsNull: true,
      });
      return data === null ? null : readInvoice('invoice fetch by guid', data);
    },

    /** One page of invoices created between two dates (YYYY-MM-DD, as BitPay takes them). */
    async listInvoices(query: { dateStart: string; dateEnd: string; limit: number; offset: number }) {
      const data = await call('invoice list', 'GET', '/invoices', {
        query: { ...token, ...query, limit: String(query.limit), offset: String(query.offset) },
      });
      if (!Array.isArray(data))
        throw new AppError('provider_response_invalid', 'BitPay answered invoice list without a list', {
          status: 502,
          context: { provider: 'bitpay', operation: 'invoice list' },
        });
      return data.map((entry) => readInvoice('invoice list', entry));
    },
  };
}

export type BitpayClient = ReturnType<typeof createBitpayClient>;

const unavailable = (operation: string, options: { context?: Record<string, unknown>; cause?: unknown }) =>
  new AppError('provider_unavailable', `BitPay is unavailable for ${operation}; try again later`, {
    status: 503,
    retryable: true,
    context: options.context ?? { provider: 'bitpay', operation },
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });

function errorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const message = record.error ?? record.message;
  return typeof message === 'string' ? message.slice(0, 200) : '';
}
