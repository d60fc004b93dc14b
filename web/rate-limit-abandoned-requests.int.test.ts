import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppWithProbes, memberOn, probePath } from '../core/auth/testing/api-test-kit.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';

let test: TestApp;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  test = await createTestApp();
  app = await buildAppWithProbes(test.core);
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

/** Sends a request over a real socket and closes it after `abandonAfterMs`, before any answer. */
function abandonedRequest(headers: Record<string, string>, abandonAfterMs: number) {
  return new Promise<void>((resolve) => {
    const outgoing = httpRequest(`${baseUrl}${probePath}`, { headers });
    outgoing.on('error', () => resolve());
    outgoing.on('response', () => resolve());
    outgoing.end();
    setTimeout(() => {
      outgoing.destroy();
      resolve();
    }, abandonAfterMs);
  });
}

describe('requests a client abandoned', () => {
  it('are not counted against the rate limit when the client left before the decision', async () => {
    const member = await memberOn(test.core, null);
    // A slow credential check (a cold cache, a busy database) leaves time to give up.
    const auth = test.core.auth;
    const verify = auth.verifyAccessToken;
    auth.verifyAccessToken = async (token) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return verify(token);
    };
    try {
      for (let count = 0; count < 3; count += 1) await abandonedRequest(member.session, 50);
      // Let the abandoned requests reach the decision they must not make.
      await new Promise((resolve) => setTimeout(resolve, 600));
    } finally {
      auth.verifyAccessToken = verify;
    }
    const answered = await fetch(`${baseUrl}${probePath}`, { headers: member.session });
    expect(answered.status).toBe(200);
    // The free tier allows 10 a minute: only this request counted.
    expect(answered.headers.get('x-ratelimit-remaining')).toBe('9');
  });
});
