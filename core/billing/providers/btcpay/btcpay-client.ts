import createClient from 'openapi-fetch';
import { AppError } from '../../../errors.js';
import type { components, paths } from './greenfield-api.js';

export type BtcpayInvoice = components['schemas']['InvoiceData'];
export type BtcpayInvoicePaymentMethod = components['schemas']['InvoicePaymentMethodDataModel'];
export type BtcpayCreateInvoiceRequest = components['schemas']['CreateInvoiceRequest'];
export type BtcpayWebhook = components['schemas']['WebhookData'];
export type BtcpayWebhookCreate = components['schemas']['WebhookDataCreate'];

export interface BtcpayConnection {
  /** The server's base URL, e.g. https://btcpay.example.com (tests point it at a local stand-in). */
  baseUrl: string;
  apiKey: string;
  storeId: string;
  /** Per request; BTCPay answers in well under a second when it is up. */
  timeoutMs?: number;
}

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The Greenfield calls the product makes, typed from BTCPay's own OpenAPI document. Every
 * failure becomes one of our stable provider codes: 5xx, 429 and network errors are retryable
 * (`provider_unavailable`), 404 is `provider_resource_missing`, any other refusal
 * `provider_rejected`.
 */
export function createBtcpayClient(connection: BtcpayConnection) {
  const timeoutMs = connection.timeoutMs ?? 10_000;
  const client = createClient<paths>({
    baseUrl: connection.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `token ${connection.apiKey}` },
  });
  const storePath = { storeId: connection.storeId };

  async function call<T>(operation: string, request: (signal: AbortSignal) => Promise<CallResult<T>>): Promise<T> {
    let result: CallResult<T>;
    try {
      result = await request(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      throw new AppError('provider_unavailable', `BTCPay is unavailable for ${operation}; try again later`, {
        status: 503,
        retryable: true,
        context: { provider: 'btcpay', operation },
        cause: error,
      });
    }
    const { response } = result;
    if (response.ok && result.data !== undefined) return result.data;
    const context = { provider: 'btcpay', operation, btcpayStatus: response.status, btcpayError: result.error ?? null };
    if (response.ok)
      throw new AppError('provider_response_invalid', `BTCPay answered ${operation} without a body`, {
        status: 502,
        context,
      });
    if (response.status === 429 || response.status >= 500)
      throw new AppError('provider_unavailable', `BTCPay is unavailable for ${operation}; try again later`, {
        status: 503,
        retryable: true,
        context,
      });
    if (response.status === 404)
      throw new AppError('provider_resource_missing', `BTCPay has no such object for ${operation}`, {
        status: 502,
        context,
      });
    throw new AppError('provider_rejected', `BTCPay rejected ${operation} (HTTP ${response.status})`, {
      status: 502,
      context,
    });
  }

  return {
    storeId: connection.storeId,

    createInvoice(body: BtcpayCreateInvoiceRequest): Promise<BtcpayInvoice> {
      return call('invoice create', (signal) =>
        client.POST('/api/v1/stores/{storeId}/invoices', { params: { path: storePath }, body, signal }),
      );
    },

    /** Our checkout id is the invoice's orderId: a retried create looks here first. */
    findInvoicesByOrderId(orderId: string): Promise<BtcpayInvoice[]> {
      return call('invoice search', (signal) =>
        client.GET('/api/v1/stores/{storeId}/invoices', {
          params: { path: storePath, query: { orderId: [orderId] } },
          signal,
        }),
      );
    },

    /** Invoices created since a moment, newest first: what reconciliation walks. */
    listInvoicesSince(startDate: Date, take = 100): Promise<BtcpayInvoice[]> {
      return call('invoice list', (signal) =>
        client.GET('/api/v1/stores/{storeId}/invoices', {
          params: { path: storePath, query: { startDate: Math.floor(startDate.getTime() / 1000), take } },
          signal,
        }),
      );
    },

    getInvoice(invoiceId: string): Promise<BtcpayInvoice> {
      return call('invoice fetch', (signal) =>
        client.GET('/api/v1/invoices/{invoiceId}', { params: { path: { invoiceId } }, signal }),
      );
    },

    getInvoicePaymentMethods(invoiceId: string): Promise<BtcpayInvoicePaymentMethod[]> {
      return call('invoice payment methods', (signal) =>
        client.GET('/api/v1/invoices/{invoiceId}/payment-methods', {
          params: { path: { invoiceId }, query: { onlyAccountedPayments: true } },
          signal,
        }),
      );
    },

    listWebhooks(): Promise<BtcpayWebhook[]> {
      return call('webhook list', (signal) =>
        client.GET('/api/v1/stores/{storeId}/webhooks', { params: { path: storePath }, signal }),
      );
    },

    createWebhook(body: BtcpayWebhookCreate) {
      return call('webhook create', (signal) =>
        client.POST('/api/v1/stores/{storeId}/webhooks', { params: { path: storePath }, body, signal }),
      );
    },
  };
}

export type BtcpayClient = ReturnType<typeof createBtcpayClient>;
