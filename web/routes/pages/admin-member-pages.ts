import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';

/** Member search and one member's page with its actions (owner pages). Registered inside the admin pages' scope. */
export async function adminMemberPageRoutes(_app: FastifyInstance, _core: Core) {}
