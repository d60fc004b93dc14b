import { AppError } from './errors.js';

/**
 * Errors that say "the database cannot answer right now", not "this request is wrong":
 * the socket, the pool and the server's own shutdown and timeout codes. They become 503 with
 * Retry-After, so a client (or a provider redelivering a webhook) tries again, instead of a 500.
 */
const unreachableCodes = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // postgres.js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // db/bounded-pool.ts: no pool connection came free in time
  'POOL_WAIT_TIMEOUT',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, query_canceled (statement timeout),
  // too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
]);

/** SQLSTATE class 08: connection exceptions. */
const connectionExceptionClass = /^08[0-9A-Z]{3}$/;

const isUnreachableCode = (code: unknown) =>
  typeof code === 'string' && (unreachableCodes.has(code) || connectionExceptionClass.test(code));

/** Looks through wrappers (drizzle's query error, AppError causes, Node's AggregateError of both address families). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (isUnreachableCode(candidate.code)) return true;
  if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1)))
    return true;
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}

/** Seconds a client should wait: recovery after a restart measured 0.2–2.2 s, so a short wait suffices. */
export const databaseRetryAfterSeconds = 2;

export const databaseUnavailable = (cause: unknown) =>
  new AppError('database_unavailable', 'The database does not answer right now; retry shortly.', {
    status: 503,
    retryable: true,
    cause,
  });
