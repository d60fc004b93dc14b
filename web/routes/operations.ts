import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';

/** Liveness, readiness (the database answers) and Prometheus metrics. */
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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', core.metrics.registry.contentType);
    return core.metrics.registry.metrics();
  });
}
