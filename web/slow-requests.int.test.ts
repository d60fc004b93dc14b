import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testConfig } from '../core/testing/test-core.js';
import { requestTimeoutOptions } from './request-timeouts.js';

const requestTimeoutMs = 1200;
const headersTimeoutMs = 800;
// The server checks for expired requests on an interval, so allow one interval plus scheduling slack.
const answerWithinMs = requestTimeoutMs + 2500;

interface SocketOutcome {
  /** Everything the server wrote before closing. */
  received: string;
  /** Milliseconds from connect until the server closed the socket. */
  closedAfterMs: number;
}

/**
 * Opens a raw socket, runs `misbehave` on it, and resolves when the server closes it. Fails if the
 * socket is still open after `limitMs`: a held-open socket is exactly what slow-loris exploits.
 */
function misbehavingClient(port: number, limitMs: number, misbehave: (socket: Socket) => void): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => misbehave(socket));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server still held the socket open after ${limitMs} ms`));
    }, limitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Date.now() - startedAt });
    });
  });
}

const answeredTimeoutOrClosed = (outcome: SocketOutcome) => {
  // Either a 408 or a plain close is a correct refusal; a 2xx/4xx from a route is not.
  if (outcome.received !== '') expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
};

describe('slow and incomplete requests cannot hold a connection open (slow-loris)', () => {
  let test: TestApp;
  let port: number;

  beforeAll(async () => {
    test = await createTestApp({
      REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
      REQUEST_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
    });
    await test.app.listen({ host: '127.0.0.1', port: 0 });
    port = (test.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await test?.close();
  });

  it('a body shorter than its Content-Length is cut off within the request timeout', async () => {
    const outcome = await misbehavingClient(port, answerWithinMs, (socket) => {
      socket.write(
        'POST /v1/webhooks/sandbox HTTP/1.1\r\nHost: shop.test\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000\r\n\r\n{"partial":',
      );
    });
    answeredTimeoutOrClosed(outcome);
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
  });

  it('a body trickled one byte at a time is cut off at the request timeout, not kept alive by activity', async () => {
    let interval: NodeJS.Timeout | undefined;
    const outcome = await misbehavingClient(port, answerWithinMs, (socket) => {
      socket.write(
        'POST /v1/users HTTP/1.1\r\nHost: shop.test\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n',
      );
      interval = setInterval(() => socket.writable && socket.write(' '), 100);
    }).finally(() => clearInterval(interval));
    answeredTimeoutOrClosed(outcome);
  });

  it('headers trickled one line at a time are cut off within the headers timeout', async () => {
    let interval: NodeJS.Timeout | undefined;
    const outcome = await misbehavingClient(port, answerWithinMs, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: shop.test\r\n');
      let line = 0;
      interval = setInterval(() => {
        line += 1;
        if (socket.writable) socket.write(`X-Slow-${line}: a\r\n`);
      }, 100);
    }).finally(() => clearInterval(interval));
    answeredTimeoutOrClosed(outcome);
  });

  it('a connection that never sends a byte is closed within the headers timeout', async () => {
    const outcome = await misbehavingClient(port, answerWithinMs, () => undefined);
    answeredTimeoutOrClosed(outcome);
  });

  it('by default a request must arrive whole within 30 s and its headers within 10 s', () => {
    const options = requestTimeoutOptions(testConfig());
    expect(options.requestTimeout).toBeGreaterThan(0);
    expect(options.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(options.http.headersTimeout).toBeLessThanOrEqual(10_000);
  });

  it('a whole request sent promptly is still answered normally', async () => {
    const outcome = await misbehavingClient(port, answerWithinMs, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n');
    });
    expect(outcome.received).toMatch(/^HTTP\/1\.1 200 /);
  });
});
