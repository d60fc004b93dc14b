import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Core } from '../core/index.js';
import { createAdminGuard } from './admin-auth.js';
import { createCallerAuth, prepareCallerAuth } from './caller-auth.js';
import { answerClientError, answerFrameworkError } from './framework-errors.js';
import { installErrorHandling } from './http-errors.js';
import { installPageFoundation } from './page-foundation.js';
import { requestTimeoutOptions } from './request-timeouts.js';
import { adminAccessRoutes } from './routes/admin/admin-access.js';
import { adminFeatureFlagRoutes } from './routes/admin/admin-feature-flags.js';
import { adminFunnelRoutes } from './routes/admin/admin-funnel.js';
import { adminGrantRoutes } from './routes/admin/admin-grants.js';
import { adminPlanRoutes } from './routes/admin/admin-plans.js';
import { adminPromotionRoutes } from './routes/admin/admin-promotions.js';
import { adminRevenueRoutes } from './routes/admin/admin-revenue.js';
import { adminSandboxRoutes } from './routes/admin/admin-sandbox.js';
import { adminWebhookRoutes } from './routes/admin/admin-webhooks.js';
import { apiKeyRoutes } from './routes/api/api-keys.js';
import { authRoutes } from './routes/api/auth.js';
import { autotradeRoutes } from './routes/api/autotrade.js';
import { billingRoutes } from './routes/api/billing.js';
import { entitlementRoutes } from './routes/api/entitlements.js';
import { identityLinkRoutes } from './routes/api/identity-link.js';
import { planRoutes } from './routes/api/plans.js';
import { signalRoutes } from './routes/api/signals.js';
import { userRoutes } from './routes/api/users.js';
import { webhookEndpointRoutes } from './routes/api/webhook-endpoints.js';
import { operationsRoutes } from './routes/operations.js';
import { accountPageRoutes } from './routes/pages/account-pages.js';
import { adminPageRoutes } from './routes/pages/admin-pages.js';
import { checkoutLinkRoutes } from './routes/pages/checkout-links.js';
import { memberFeaturePageRoutes } from './routes/pages/member-feature-pages.js';
import { pricingPageRoutes } from './routes/pages/pricing-pages.js';
import { referralLandingRoutes } from './routes/pages/referral-landing.js';
import { sandboxPageRoutes } from './routes/pages/sandbox-pages.js';
import { signInPageRoutes } from './routes/pages/sign-in-pages.js';
import { providerWebhookRoutes } from './routes/webhooks/provider-webhooks.js';

export interface BuildAppOptions {
  /** Serve the OpenAPI document and UI at /docs (on by default). */
  docs?: boolean;
  /**
   * Routes owned by other parts (the Discord interactions endpoint, Telegram and Slack
   * webhooks from bots/), each registered in its own encapsulated scope. main.ts passes
   * them, so web/ never imports a chat SDK.
   */
  mounts?: Array<(scope: FastifyInstance) => Promise<void>>;
}

/**
 * The HTTP face of the product. Returns the instance without listening: tests use inject,
 * main.ts listens. Transport only: every decision is made in core.
 */
export async function buildApp(core: Core, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: core.logger as FastifyBaseLogger,
    // Per-request log lines cost more than the hot check itself; failures are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: core.config.BODY_LIMIT_BYTES,
    ...requestTimeoutOptions(core.config),
    trustProxy: true,
    return503OnClosing: true,
    // Refusals made before any route (unreadable path, malformed bytes) answer with the envelope too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // Before any route: declares request.caller; the ownership test walks every member route this records.
  prepareCallerAuth(app);
  // Before any route: security headers, cookies, form bodies, CSRF and the signed-in member for pages.
  await installPageFoundation(app, core);

  app.addHook('onResponse', async (request, reply) => {
    core.metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) request.log.warn({ url: request.url, status: reply.statusCode }, 'request failed');
  });

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Community monetization API',
          version: '1.0.0',
          description:
            'Plans, checkout, webhooks, entitlements and moderation. Errors: `{ error: { code, message } }`.',
        },
        components: {
          securitySchemes: {
            adminKey: { type: 'http', scheme: 'bearer', description: 'The admin API key.' },
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'The admin key, an API key (ck_...) or an access token.',
            },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  const requireAdmin = createAdminGuard(core.adminKey);
  const callerAuth = createCallerAuth(core);
  // The sandbox provider delivers its webhooks through this very app, signature and all.
  core.setSandboxDelivery(async (rawBody, headers) => {
    const response = await app.inject({ method: 'POST', url: '/v1/webhooks/sandbox', headers, payload: rawBody });
    if (response.statusCode !== 200)
      throw new Error(`sandbox webhook delivery failed with ${response.statusCode}: ${response.body}`);
  });

  await app.register(async (scope) => providerWebhookRoutes(scope, core));
  await app.register(async (scope) => sandboxPageRoutes(scope, core));
  await app.register(async (scope) => checkoutLinkRoutes(scope, core));
  await app.register(async (scope) => adminPageRoutes(scope, core));
  await pricingPageRoutes(app, core);
  await signInPageRoutes(app, core);
  await accountPageRoutes(app, core);
  await memberFeaturePageRoutes(app, core);
  await referralLandingRoutes(app, core);
  await operationsRoutes(app, core);
  await planRoutes(app, core);
  await userRoutes(app, core, requireAdmin);
  await billingRoutes(app, core, requireAdmin);
  await entitlementRoutes(app, core, requireAdmin);
  await identityLinkRoutes(app, core, requireAdmin);
  await authRoutes(app, core);
  await apiKeyRoutes(app, core, callerAuth);
  await webhookEndpointRoutes(app, core, callerAuth);
  await autotradeRoutes(app, core, callerAuth);
  await signalRoutes(app, core, callerAuth, requireAdmin);
  await adminPlanRoutes(app, core, requireAdmin);
  await adminPromotionRoutes(app, core, requireAdmin);
  await adminGrantRoutes(app, core, requireAdmin);
  await adminAccessRoutes(app, core, requireAdmin);
  await adminWebhookRoutes(app, core, requireAdmin);
  await adminRevenueRoutes(app, core, requireAdmin);
  await adminFunnelRoutes(app, core, requireAdmin);
  await adminFeatureFlagRoutes(app, core, requireAdmin);
  await adminSandboxRoutes(app, core, requireAdmin);
  for (const mount of options.mounts ?? []) await app.register(mount);
  return app;
}
