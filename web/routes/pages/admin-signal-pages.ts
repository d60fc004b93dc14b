import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';

/** Signal publish form and track record with chain verification (owner pages). Registered inside the admin pages' scope. */
export async function adminSignalPageRoutes(_app: FastifyInstance, _core: Core) {}
