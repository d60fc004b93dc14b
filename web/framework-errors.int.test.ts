import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

/**
 * Errors the framework raises before any route runs (an unreadable path, a parameter past the
 * router's limit, bytes that are not HTTP) still answer with the envelope and a stable code.
 */
describe('framework errors use the envelope', () => {
  let harness: TestApp;
  let port: number;
  beforeAll(async () => {
    harness = await createTestApp();
    await harness.app.listen({ host: '127.0.0.1', port: 0 });
    port = (harness.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => harness?.close());

  const expectEnvelope = (body: string, code: string) => {
    const parsed = JSON.parse(body) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe(code);
    expect(typeof parsed.error.message).toBe('string');
    expect(Object.keys(parsed)).toEqual(['error']);
  };

  it('bad percent-encoding in the path answers 400 invalid_path_encoding', async () => {
    for (const url of ['/admin/plans/%E0%A4%A/access', '/admin/promotions/%', '/v1/api-keys/%zz/rotate']) {
      const response = await harness.app.inject({ method: 'GET', url, headers: adminHeaders });
      expect(response.statusCode, url).toBe(400);
      expectEnvelope(response.body, 'invalid_path_encoding');
    }
  });

  it('a path parameter past the router limit answers 414 path_parameter_too_long', async () => {
    const response = await harness.app.inject({
      method: 'DELETE',
      url: `/admin/promotions/${'a'.repeat(500)}`,
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(414);
    expectEnvelope(response.body, 'path_parameter_too_long');
  });

  /** Sends raw bytes and reads everything until the server closes the connection. */
  const exchange = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
      socket.write(bytes, 'latin1');
    });

  const parseRawResponse = (raw: string) => {
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const [statusLine = '', ...headerLines] = head.split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    );
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  };

  for (const [name, bytes, status, code] of [
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'bad_request'],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', 400, 'bad_request'],
    [
      'a NUL byte in a header value',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0000b\r\n\r\n',
      400,
      'bad_request',
    ],
    [
      'a Content-Length that is not a number',
      'POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n',
      400,
      'bad_request',
    ],
    [
      'headers larger than the server accepts',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
  ] as const) {
    it(`${name} answers ${status} ${code} as a complete HTTP/1.1 response`, async () => {
      const response = parseRawResponse(await exchange(bytes));
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      expectEnvelope(response.body, code);
    });
  }

  it('a well-formed request on the same server is still answered', async () => {
    const response = parseRawResponse(await exchange('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(response.status).toBe(200);
  });
});
