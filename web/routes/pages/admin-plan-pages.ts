import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';

/** Plans, add-ons, promo codes and access resources (owner pages). Registered inside the admin pages' scope. */
export async function adminPlanPageRoutes(_app: FastifyInstance, _core: Core) {}
