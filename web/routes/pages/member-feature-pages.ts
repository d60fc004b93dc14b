import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';

/** Signals, API keys, webhooks and autotrade pages: shown by entitlement, locked with an upgrade path. */
export async function memberFeaturePageRoutes(_app: FastifyInstance, _core: Core) {}
