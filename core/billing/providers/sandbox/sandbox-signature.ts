import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../errors.js';
import { webhookTimestampRefusal } from '../../../webhooks/webhook-timestamp.js';

/** The header the sandbox signs its webhooks with, in the same shape as Stripe's. */
export const sandboxSignatureHeader = 'sandbox-signature';

type FailureReason = 'malformed' | 'stale' | 'future' | 'mismatch';

const failureMessages: Record<FailureReason, string> = {
  malformed: 'The sandbox-signature header is malformed.',
  stale: 'The sandbox-signature timestamp is stale: outside the tolerance window.',
  future: 'The sandbox-signature timestamp is stale: outside the tolerance window (dated in the future).',
  mismatch: 'The sandbox-signature does not match the payload (signature mismatch).',
};

const invalidSignature = (reason: FailureReason) =>
  new AppError('webhook_signature_invalid', failureMessages[reason], {
    status: 400,
    context: { provider: 'sandbox', reason },
  });

// The timestamp text is signed exactly as written in the header, so a verifier never
// re-formats what the signer produced.
const hmac = (secret: string, timestampText: string, body: string | Buffer): Buffer =>
  createHmac('sha256', secret).update(`${timestampText}.`).update(body).digest();

export function signSandboxPayload(body: string, secret: string, timestampSeconds: number): string {
  const timestampText = String(Math.floor(timestampSeconds));
  return `t=${timestampText},v1=${hmac(secret, timestampText, body).toString('hex')}`;
}

const timestampPattern = /^\d{1,12}$/;
const signaturePattern = /^[0-9a-f]{64}$/;

/** Several v1 entries are allowed so a sender can sign with both secrets during a rotation. */
function parseSignatureHeader(header: string): { timestampText: string; signatures: Buffer[] } | null {
  let timestampText: string | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return null;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestampText !== null || !timestampPattern.test(value)) return null;
      timestampText = value;
    } else if (key === 'v1') {
      if (!signaturePattern.test(value)) return null;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes are skipped, as Stripe does, so a future v2 does not break old verifiers.
  }
  if (timestampText === null || signatures.length === 0) return null;
  return { timestampText, signatures };
}

/**
 * Throws `webhook_signature_missing` or `webhook_signature_invalid` (both 400) unless one of
 * the header's v1 signatures was made with one of `secrets` over exactly `rawBody`, within
 * `toleranceSeconds` of `nowSeconds` either way.
 */
export function verifySandboxSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
  toleranceSeconds: number,
  nowSeconds: number,
): void {
  if (header === undefined || header.trim() === '')
    throw new AppError('webhook_signature_missing', 'The sandbox-signature header is missing.', {
      status: 400,
      context: { provider: 'sandbox' },
    });
  // An empty key would make every signature forgeable, so it never counts as a secret.
  const usableSecrets = secrets.filter((secret) => secret.length > 0);
  if (usableSecrets.length === 0)
    throw new AppError('webhook_secret_missing', 'No sandbox webhook secret is configured.', { status: 500 });
  const parsed = parseSignatureHeader(header);
  if (!parsed) throw invalidSignature('malformed');
  const refusal = webhookTimestampRefusal(Number(parsed.timestampText), nowSeconds, toleranceSeconds);
  if (refusal !== null) throw invalidSignature(refusal);
  for (const secret of usableSecrets) {
    const expected = hmac(secret, parsed.timestampText, rawBody);
    // Every candidate is 32 bytes (checked by the pattern), as timingSafeEqual requires.
    if (parsed.signatures.some((candidate) => timingSafeEqual(expected, candidate))) return;
  }
  throw invalidSignature('mismatch');
}
