import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ReceiverAnswer {
  status: number;
  body?: string;
  /** The answer waits for this (a receiver that hangs until the test lets it go). */
  until?: Promise<void>;
}

/**
 * Test-only: a real HTTP server on 127.0.0.1 that records every request and answers as told
 * (per path), like a member's receiver would. Nothing is mocked between us and it.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  /** `received /path` and `closed /path` in the order they happened (orders, not times, are asserted). */
  const log: string[] = [];
  const answers = new Map<string, (request: ReceivedWebhook) => ReceiverAnswer>();
  const waiters: Array<{ path: string; count: number; resolve: () => void }> = [];
  const countAt = (path: string) => received.filter((entry) => entry.path === path).length;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      log.push(`received ${path}`);
      response.on('close', () => log.push(`closed ${path}`));
      const entry = { path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const answer = answers.get(path)?.(entry) ?? { status: 200, body: 'ok' };
      const respond = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { 'content-type': 'text/plain' });
        response.end(answer.body ?? '');
      };
      if (answer.until) void answer.until.then(respond);
      else respond();
      for (const waiter of [...waiters])
        if (countAt(waiter.path) >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    received,
    log,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    at: (path: string) => received.filter((entry) => entry.path === path),
    /** How this path answers from now on. */
    answer(path: string, answer: ReceiverAnswer | ((request: ReceivedWebhook) => ReceiverAnswer)) {
      answers.set(path, typeof answer === 'function' ? answer : () => answer);
    },
    /** Resolves once `count` requests have reached the path. */
    waitFor(path: string, count = 1) {
      if (countAt(path) >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ path, count, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
