import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Test-only: a receiver's check written from the Standard Webhooks spec, independent of our
 * signer: base64-decode the secret after `whsec_`, HMAC-SHA256 `<id>.<timestamp>.<body>`,
 * compare in constant time against each space-separated `v1,<base64>`, and refuse a
 * timestamp more than five minutes from the receiver's clock.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  receiverNow: Date,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(receiverNow.getTime() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice(secret.indexOf('_') + 1), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((candidate) => {
    const [version, encoded] = candidate.split(',');
    if (version !== 'v1' || !encoded) return false;
    const presented = Buffer.from(encoded, 'base64');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
}
