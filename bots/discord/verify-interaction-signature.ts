import { createPublicKey, verify } from 'node:crypto';

/** Discord's own window is tight; five minutes absorbs clock skew and refuses replays of old captures. */
export const signatureMaxAgeSeconds = 300;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Ed25519 over `X-Signature-Timestamp + raw body`, with the application's public key (64 hex
 * characters from the developer portal). The key object is built once; node:crypto verifies.
 */
export function createInteractionVerifier(publicKeyHex: string) {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') },
    format: 'jwk',
  });

  return function verifyInteraction(
    rawBody: Buffer,
    headers: { signature: string | undefined; timestamp: string | undefined },
    now: Date,
  ): SignatureCheck {
    const { signature, timestamp } = headers;
    if (!signature || !timestamp) return { valid: false, reason: 'missing signature headers' };
    if (!/^[0-9a-f]{128}$/i.test(signature)) return { valid: false, reason: 'malformed signature' };
    if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'malformed timestamp' };
    const ageSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
    if (ageSeconds > signatureMaxAgeSeconds) return { valid: false, reason: 'timestamp outside the allowed window' };
    const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    const valid = verify(null, message, key, Buffer.from(signature, 'hex'));
    return valid ? { valid: true } : { valid: false, reason: 'signature does not match' };
  };
}
