import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { createMetricsGuard } from '../metrics-access.js';
import { serveMetrics } from '../metrics-server.js';

/**
 * Liveness, readiness and Prometheus metrics behind a token.
 *
 * /readyz tells the truth about each dependency (status and latency, each probe bounded by
 * core/readiness.ts) and answers 503 only when the web role cannot do its job: the database
 * is down. With Redis down it is 200 and `degraded`: reads, rate limits and webhooks keep
 * working on their fallbacks, and a load balancer pulling every instance (they all share the
 * one Redis) would turn that into a full outage.
 */
export async function operationsRoutes(app: FastifyInstance, core: Core) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const report = await core.ready();
    // Degraded is not logged here: the adapters log each outage once, not once per poll.
    if (report.status !== 'unavailable') return report;
    core.logger.warn({ checks: report.checks }, 'readiness check failed');
    return reply.status(503).send({
      ...report,
      error: { code: 'database_unavailable', message: 'The database does not answer.' },
    });
  });

  const requireMetricsToken = createMetricsGuard({ metricsToken: core.config.METRICS_TOKEN, adminKey: core.adminKey });
  app.get('/metrics', { schema: { hide: true }, onRequest: requireMetricsToken }, serveMetrics(core));
}
