import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

/** Longer presented keys are refused outright; admin keys are far shorter. */
const maxKeyBytes = 256;

/** The key in a zero-padded buffer of fixed size, so comparing never depends on its length. */
const padded = (value: string, buffer = Buffer.alloc(maxKeyBytes)) => {
  buffer.fill(0);
  const written = buffer.write(value, 'utf8');
  const length = Buffer.byteLength(value, 'utf8');
  return { buffer, length, fits: written === length };
};

/**
 * Is this the admin key? Compared in constant time over a fixed-size buffer (the lengths are
 * compared after, so neither content nor length leaks through timing). It runs on every admin
 * and member request, the hot entitlement check included, so it avoids hashing per call.
 */
export function createAdminKeyMatcher(adminKey: string) {
  const expected = padded(adminKey);
  if (!expected.fits) throw new Error(`the admin key must be at most ${maxKeyBytes} bytes`);
  // Every member request asks "is this the admin key?": one scratch buffer per matcher instead of
  // a new one per call (the comparison is synchronous, so calls never share it at once).
  const scratch = Buffer.alloc(maxKeyBytes);
  return (token: string) => {
    const presented = padded(token, scratch);
    const sameBytes = timingSafeEqual(presented.buffer, expected.buffer);
    return presented.fits && sameBytes && presented.length === expected.length;
  };
}

/** `Authorization: Bearer <admin key>`, checked with createAdminKeyMatcher. */
export function createAdminGuard(adminKey: string) {
  const isAdminKey = createAdminKeyMatcher(adminKey);
  return async function requireAdmin(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw new AppError('unauthorized', 'Send the admin key as "Authorization: Bearer <key>".', { status: 401 });
    if (!isAdminKey(header.slice(7).trim()))
      throw new AppError('forbidden', 'This key may not use this route.', { status: 403 });
  };
}

export const adminActor = 'admin:api-key';
