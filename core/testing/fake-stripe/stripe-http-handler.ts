import type { IncomingMessage, ServerResponse } from 'node:http';
import { findRoute } from './api-routes.js';
import { FakeStripeError } from './fake-stripe-error.js';
import type { FakeStripeStore } from './fake-stripe-store.js';
import { type FormFields, formStrings, parseStripeForm } from './form-encoding.js';
import type { StripeEvent } from './stripe-events.js';

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The form body of a POST, the query of a GET or DELETE, parsed like Stripe does. */
  body: FormFields;
  status: number;
}

export interface FailureRule {
  pathPrefix: string;
  status: number;
  remaining: number;
  /** Sent as `Stripe-Should-Retry`, which the SDK obeys over its own rules. */
  shouldRetry: boolean | undefined;
}

interface StoredResponse {
  method: string;
  path: string;
  body: string;
  status: number;
  response: string;
}

export interface HttpHandlerState {
  store: FakeStripeStore;
  requests: RecordedRequest[];
  failures: FailureRule[];
  /** Events caused by API calls, waiting for the test to deliver them. */
  pendingEvents: StripeEvent[];
  events: StripeEvent[];
}

/**
 * Answers one request like api.stripe.com: bearer auth, form bodies, idempotent replays of
 * successful POSTs (and refusal of a reused key with other parameters), Stripe's error
 * envelope, and failures injected by tests.
 */
export const createStripeHttpHandler = (state: HttpHandlerState) => {
  const idempotentResponses = new Map<string, StoredResponse>();

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = state.store.newId('req', 14);
    const url = new URL(request.url ?? '/', 'http://fake.stripe');
    const method = request.method ?? 'GET';
    const rawBody = await readBody(request);
    const fields = parseStripeForm(method === 'POST' ? rawBody : url.search.slice(1));
    const idempotencyKey = headerValue(request, 'idempotency-key');
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      state.requests.push({ method, path: url.pathname, idempotencyKey, body: fields, status });
      response.writeHead(status, {
        'Content-Type': 'application/json',
        'Request-Id': requestId,
        ...(idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey }),
        ...headers,
      });
      response.end(body);
    };
    const sendError = (error: FakeStripeError) => send(error.status, JSON.stringify(error.envelope()), error.headers);

    const injected = takeFailure(state.failures, url.pathname);
    if (injected !== null) return sendError(injected);
    if (!/^Bearer sk_(test|live)_\S+$/.test(headerValue(request, 'authorization') ?? '')) {
      return sendError(
        new FakeStripeError(401, 'invalid_request_error', 'Invalid API Key provided', { code: 'api_key_invalid' }),
      );
    }

    // Stripe keys are account-wide and only POSTs are idempotent.
    const stored = method === 'POST' && idempotencyKey !== null ? idempotentResponses.get(idempotencyKey) : undefined;
    if (stored !== undefined) {
      if (stored.method !== method || stored.path !== url.pathname || stored.body !== rawBody) {
        return sendError(
          new FakeStripeError(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          ),
        );
      }
      return send(stored.status, stored.response, { 'Idempotent-Replayed': 'true' });
    }

    const route = findRoute(method, url.pathname);
    if (route === null) {
      return sendError(
        new FakeStripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname}).`),
      );
    }
    try {
      const caused: StripeEvent[] = [];
      const result = route.handler(
        { params: route.params, fields, cause: { requestId, idempotencyKey } },
        { store: state.store, emit: (event) => caused.push(event) },
      );
      const body = JSON.stringify(expand(state.store, structuredClone(result), formStrings(fields, 'expand')));
      // Only requests that ran are remembered; a refused one may be retried with the same key.
      if (method === 'POST' && idempotencyKey !== null) {
        idempotentResponses.set(idempotencyKey, {
          method,
          path: url.pathname,
          body: rawBody,
          status: 200,
          response: body,
        });
      }
      state.pendingEvents.push(...caused);
      state.events.push(...caused);
      send(200, body);
    } catch (error) {
      if (error instanceof FakeStripeError) return sendError(error);
      send(500, JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    }
  };
};

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const headerValue = (request: IncomingMessage, name: string): string | null => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

const takeFailure = (failures: FailureRule[], path: string): FakeStripeError | null => {
  const rule = failures.find((candidate) => candidate.remaining > 0 && path.startsWith(candidate.pathPrefix));
  if (rule === undefined) return null;
  rule.remaining -= 1;
  const headers: Record<string, string> =
    rule.shouldRetry === undefined ? {} : { 'Stripe-Should-Retry': String(rule.shouldRetry) };
  if (rule.status === 429) {
    // Stripe asks clients to retry its lock timeouts; plain rate limiting is left to the client.
    const code = rule.shouldRetry === false ? 'rate_limit' : 'lock_timeout';
    return new FakeStripeError(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', {
      code,
      headers,
    });
  }
  const type = rule.status >= 500 ? 'api_error' : 'invalid_request_error';
  return new FakeStripeError(rule.status, type, `Injected failure (${rule.status}) for ${path}`, { headers });
};

/** `expand[]` paths like `latest_invoice` or `data.price`: ids become the objects they name. */
const expand = (store: FakeStripeStore, value: unknown, paths: string[]): unknown => {
  for (const path of paths) expandPath(store, value, path.split('.'));
  return value;
};

const expandPath = (store: FakeStripeStore, target: unknown, segments: string[]): void => {
  const [head, ...rest] = segments;
  if (head === undefined || target === null || typeof target !== 'object') return;
  if (Array.isArray(target)) {
    for (const element of target) expandPath(store, element, segments);
    return;
  }
  const record = target as Record<string, unknown>;
  const current = record[head];
  if (typeof current === 'string') {
    const found = store.findAnywhere(current);
    if (found !== undefined) record[head] = structuredClone(found);
  }
  expandPath(store, record[head], rest);
};
