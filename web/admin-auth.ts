import crypto, { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

// This runs on every admin request, the hot entitlement check included. One-shot `crypto.hash`
// (Node >= 20.12) skips building a Hash object per call, which cost that route a measurable share
// of its time; older Node falls back to createHash. Same SHA-256 bytes either way.
const digest: (value: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (value) => crypto.hash('sha256', value, 'buffer')
    : (value) => crypto.createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <admin key>`, compared in constant time (hashing first makes the
 * lengths equal, so even the key's length does not leak).
 */
export function createAdminGuard(adminKey: string) {
  const expected = digest(adminKey);
  return async function requireAdmin(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw new AppError('unauthorized', 'Send the admin key as "Authorization: Bearer <key>".', { status: 401 });
    if (!timingSafeEqual(digest(header.slice(7).trim()), expected))
      throw new AppError('forbidden', 'This key may not use this route.', { status: 403 });
  };
}

export const adminActor = 'admin:api-key';
