import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact JWS with HS256 only (RFC 7515/7519), on node:crypto. The header is checked to say
 * HS256 before the signature is even computed, so `alg: none` or an RS/HS confusion is refused.
 */
const fixedHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const segment = /^[A-Za-z0-9_-]+$/;
const maxTokenLength = 8192;

export type JwtFailure = 'malformed' | 'bad_signature';

const sign = (signingInput: string, secret: Buffer) =>
  createHmac('sha256', secret).update(signingInput, 'ascii').digest();

export function signJwt(claims: Record<string, unknown>, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signingInput = `${fixedHeader}.${body}`;
  return `${signingInput}.${sign(signingInput, secret).toString('base64url')}`;
}

/** The verified claims, or why the token is not one of ours. Expiry is the caller's business (its clock). */
export function verifyJwt(
  token: string,
  secret: Buffer,
): { ok: true; claims: Record<string, unknown> } | { ok: false; failure: JwtFailure } {
  if (token.length > maxTokenLength) return { ok: false, failure: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => segment.test(part))) return { ok: false, failure: 'malformed' };
  const [header, body, signature] = parts as [string, string, string];
  let decodedHeader: unknown;
  try {
    decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (
    typeof decodedHeader !== 'object' ||
    decodedHeader === null ||
    (decodedHeader as { alg?: unknown }).alg !== 'HS256'
  )
    return { ok: false, failure: 'malformed' };
  const expected = sign(`${header}.${body}`, secret);
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return { ok: false, failure: 'bad_signature' };
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      return { ok: false, failure: 'malformed' };
    return { ok: true, claims: claims as Record<string, unknown> };
  } catch {
    return { ok: false, failure: 'malformed' };
  }
}
