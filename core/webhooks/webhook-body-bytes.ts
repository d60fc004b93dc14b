import { isUtf8 } from 'node:buffer';
import { AppError } from '../errors.js';

const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Verification and the inbox must read the same bytes. Stripe's SDK decodes the body before it
 * checks the signature (dropping a leading byte-order mark, replacing bytes that are not UTF-8),
 * while the inbox stores the bytes as sent; a body on which the two differ would be accepted
 * with 200 and later dead-lettered as unreadable. Providers send plain UTF-8 JSON, so such a
 * body is refused once, here, before any provider looks at it.
 */
export function refuseAmbiguousWebhookBody(providerName: string, rawBody: Buffer): void {
  const reason = rawBody.subarray(0, 3).equals(byteOrderMark) ? 'byte_order_mark' : isUtf8(rawBody) ? null : 'not_utf8';
  if (reason === null) return;
  throw new AppError(
    'webhook_payload_invalid',
    reason === 'byte_order_mark'
      ? 'The webhook body starts with a byte-order mark; send the signed JSON bytes as they are.'
      : 'The webhook body is not valid UTF-8.',
    { status: 400, context: { provider: providerName, reason } },
  );
}
