import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';
import { apiKeyPageRoutes } from './api-key-pages.js';
import { autotradePageRoutes } from './autotrade-pages.js';
import { signalFeedPageRoutes } from './signal-feed-pages.js';
import { webhookEndpointPageRoutes } from './webhook-endpoint-pages.js';

/** Signals, API keys, webhooks and autotrade pages: shown by entitlement, locked with an upgrade path. */
export async function memberFeaturePageRoutes(app: FastifyInstance, core: Core) {
  await signalFeedPageRoutes(app, core);
  await apiKeyPageRoutes(app, core);
  await webhookEndpointPageRoutes(app, core);
  await autotradePageRoutes(app, core);
}
