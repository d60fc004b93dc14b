import http from 'node:http';
import https from 'node:https';
import { type DestinationPolicy, guardedLookup } from './destination-policy.js';

export type SendResult = { kind: 'response'; statusCode: number; excerpt: string } | { kind: 'error'; error: string };

/** Enough of the answer to debug with; the rest is never read or stored. */
const excerptBytes = 512;

/**
 * One POST to a member's endpoint. node:http rather than fetch so the connection goes
 * through guardedLookup (the checked address is the one connected to), redirects are not
 * followed (a 3xx is a failure: following it could lead anywhere), and the whole exchange,
 * body included, is cut off at the timeout.
 */
export function sendWebhookRequest(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; policy: DestinationPolicy },
): Promise<SendResult> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'community-monetization-webhooks/1',
        },
        lookup: guardedLookup(options.policy) as never,
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        const done = () =>
          finish({
            kind: 'response',
            statusCode: response.statusCode ?? 0,
            excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8'),
          });
        response.on('data', (chunk: Buffer) => {
          if (length >= excerptBytes) return;
          chunks.push(chunk);
          length += chunk.length;
          // The status is known and the excerpt full: stop reading a large or endless body.
          if (length >= excerptBytes) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.name === 'AbortError' || error.name === 'TimeoutError'
          ? `timed out after ${options.timeoutMs} ms`
          : `${error.code ?? error.name}: ${error.message}`;
      finish({ kind: 'error', error: reason.slice(0, 300) });
    });
    request.end(body);
  });
}
