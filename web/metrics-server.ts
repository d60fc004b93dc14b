import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';

/** The Prometheus exposition of this process's registry. */
export const serveMetrics = (core: Core) => async (_request: FastifyRequest, reply: FastifyReply) => {
  reply.header('content-type', core.metrics.registry.contentType);
  return core.metrics.registry.metrics();
};

/**
 * The METRICS_PORT listener: /metrics and nothing else, without a token, for a scraper on a
 * private network (Fly scrapes `[metrics] port` over its private network; the port is not in
 * any public service). Built without listen, so tests use inject.
 */
export function buildMetricsApp(core: Core): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', serveMetrics(core));
  return app;
}
