import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { createAdminKeyMatcher } from './admin-auth.js';

/**
 * /metrics on the public port shows MRR and traffic, so it takes `Authorization: Bearer
 * <METRICS_TOKEN>` (a scraper's own token) or the admin key. A private scraper that cannot send
 * headers (Fly's [metrics]) reads the separate METRICS_PORT listener instead.
 */
export function createMetricsGuard(options: { metricsToken: string | undefined; adminKey: string }) {
  const matchers = [options.metricsToken, options.adminKey]
    .filter((key): key is string => key !== undefined)
    .map((key) => createAdminKeyMatcher(key));
  return async function requireMetricsToken(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw new AppError('unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>" to read metrics.', {
        status: 401,
      });
    const token = header.slice(7).trim();
    // Every matcher runs, so the time taken does not say which key was close.
    const matches = matchers.map((isKey) => isKey(token));
    if (!matches.includes(true)) throw new AppError('forbidden', 'This key may not read metrics.', { status: 403 });
  };
}
