import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Bumped when the payload's meaning changes; older tokens are then refused as invalid. */
export const signedTokenVersion = 1;

/** Far longer than any token we sign; anything bigger is refused before any work. */
const maxTokenLength = 2048;
const base64url = /^[A-Za-z0-9_-]+$/;

export const linkInvalid = () =>
  new AppError('link_invalid', 'This link is not valid. Ask the bot for a new one.', { status: 400 });

export const linkExpired = () =>
  new AppError('link_expired', 'This link has expired. Ask the bot for a new one.', { status: 410 });

/**
 * The key that signs links and hashes one-time codes. Derived from the admin key when no
 * LINK_SIGNING_SECRET is set, so an embedded install (whose admin key is kept on disk)
 * keeps its links valid across restarts, while the admin key itself never signs anything.
 */
export function deriveLinkSecret(configuredSecret: string | undefined, adminKey: string): Buffer {
  if (configuredSecret) return Buffer.from(configuredSecret, 'utf8');
  return createHmac('sha256', adminKey).update('community-monetization/link-signing/v1').digest();
}

const signatureOf = (body: string, secret: Buffer) => createHmac('sha256', secret).update(body).digest();

/** Every token carries the version and its expiry (unix seconds). */
export const tokenEnvelope = z.object({ v: z.literal(signedTokenVersion), e: z.number().int().positive() });

/** `base64url(JSON payload).base64url(HMAC-SHA256)`: short enough for a chat button URL. */
export function signToken(payload: { e: number } & Record<string, unknown>, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify({ v: signedTokenVersion, ...payload }), 'utf8').toString('base64url');
  return `${body}.${signatureOf(body, secret).toString('base64url')}`;
}

/**
 * Checks the signature in constant time before reading anything, then the shape, then the
 * expiry: a tampered token is `link_invalid` (400) whatever it claims, a genuine old one is
 * `link_expired` (410).
 */
export function verifyToken<Schema extends z.ZodType<{ v: number; e: number }>>(
  token: string,
  secret: Buffer,
  schema: Schema,
  now: Date,
): z.output<Schema> {
  if (token.length > maxTokenLength) throw linkInvalid();
  const parts = token.split('.');
  const [body, signature] = parts;
  if (parts.length !== 2 || !body || !signature || !base64url.test(body) || !base64url.test(signature))
    throw linkInvalid();
  const presented = Buffer.from(signature, 'base64url');
  const expected = signatureOf(body, secret);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw linkInvalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw linkInvalid();
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw linkInvalid();
  if (parsed.data.e * 1000 <= now.getTime()) throw linkExpired();
  return parsed.data;
}
