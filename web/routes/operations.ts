import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { createMetricsGuard } from '../metrics-access.js';
import { serveMetrics } from '../metrics-server.js';

/** Liveness, readiness (the database answers) and Prometheus metrics behind a token. */
export async function operationsRoutes(app: FastifyInstance, core: Core) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await core.ready();
      return { status: 'ready' };
    } catch (error) {
      core.logger.warn({ err: error }, 'readiness check failed');
      return reply
        .status(503)
        .send({ error: { code: 'database_unavailable', message: 'The database does not answer.' } });
    }
  });

  const requireMetricsToken = createMetricsGuard({ metricsToken: core.config.METRICS_TOKEN, adminKey: core.adminKey });
  app.get('/metrics', { schema: { hide: true }, onRequest: requireMetricsToken }, serveMetrics(core));
}
