import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { webhookEventTypeSchema } from '../../../core/outbound-webhooks/webhook-event-types.js';
import type { WebhookViewer } from '../../../core/outbound-webhooks/webhook-viewer.js';
import { edgeText } from '../../../core/validation/edge-text.js';
import { actingUserId, type Caller, type CallerAuth } from '../../caller-auth.js';

const endpointSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_failure_at: z.string().nullable(),
  consecutive_failures: z.number().int(),
  secret_rotated_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The only answers that carry the signing secret: the member must copy it now. */
const endpointWithSecretSchema = endpointSchema.extend({ secret: z.string() });

const deliverySchema = z.object({
  id: z.uuid(),
  event_id: z.string(),
  event_type: z.string(),
  endpoint_id: z.uuid(),
  status: z.string(),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  response_excerpt: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
});

type WebhookEndpointRow = Awaited<ReturnType<Core['outboundWebhooks']['endpoints']['get']>>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

const endpointView = (row: WebhookEndpointRow): z.infer<typeof endpointSchema> => ({
  id: row.id,
  user_id: row.userId,
  url: row.url,
  events: row.events,
  status: row.status as 'active' | 'disabled',
  disabled_reason: row.disabledReason,
  disabled_at: iso(row.disabledAt),
  last_success_at: iso(row.lastSuccessAt),
  last_failure_at: iso(row.lastFailureAt),
  consecutive_failures: row.consecutiveFailures,
  secret_rotated_at: iso(row.secretRotatedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

type DeliveryRow = Awaited<ReturnType<Core['outboundWebhooks']['deliveries']['redeliver']>>;

const deliveryView = (row: DeliveryRow): z.infer<typeof deliverySchema> => ({
  id: row.id,
  event_id: row.eventId,
  event_type: row.eventType,
  endpoint_id: row.endpointId,
  status: row.status,
  attempts: row.attempts,
  last_status_code: row.lastStatusCode,
  last_error: row.lastError,
  response_excerpt: row.responseExcerpt,
  next_attempt_at: iso(row.nextAttemptAt),
  last_attempt_at: iso(row.lastAttemptAt),
  delivered_at: iso(row.deliveredAt),
  created_at: row.createdAt.toISOString(),
});

const viewerOf = (caller: Caller): WebhookViewer =>
  caller.kind === 'admin' ? { kind: 'admin' } : { kind: 'member', userId: caller.userId as string };

const idParams = z.object({ id: z.uuid() });
const eventsSchema = z.array(webhookEventTypeSchema).min(1).max(webhookEventTypeSchema.options.length);
const urlSchema = edgeText().trim().min(1).max(2048);

/**
 * A member's outbound webhook endpoints and their deliveries. Every route takes any member
 * credential (or the admin key) and answers 404 for another member's endpoint or delivery.
 */
export async function webhookEndpointRoutes(app: FastifyInstance, core: Core, callerAuth: CallerAuth) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const service = core.outboundWebhooks;
  const security = [{ bearer: [] }];
  const tags = ['outbound webhooks'];

  /** The member's features as their credential carries them; the admin key looks the member up. */
  const featuresOf = async (caller: Caller, userId: string) =>
    caller.kind === 'admin' ? (await core.entitlements.get(userId)).features : (caller.entitlements?.features ?? []);

  typed.post(
    '/v1/webhook-endpoints',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'Register an HTTPS endpoint (Pro and above). The signing secret is shown once.',
        security,
        body: z.object({ url: urlSchema, events: eventsSchema, user_id: z.uuid().optional() }),
        response: { 201: endpointWithSecretSchema },
      },
    },
    async (request, reply) => {
      const userId = actingUserId(request.caller, request.body.user_id);
      const { endpoint, secret } = await service.endpoints.create(userId, await featuresOf(request.caller, userId), {
        url: request.body.url,
        events: request.body.events,
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...endpointView(endpoint), secret });
    },
  );

  typed.get(
    '/v1/webhook-endpoints',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: "The member's endpoints (never their secrets).",
        security,
        querystring: z.object({ user_id: z.uuid().optional() }),
        response: { 200: z.object({ endpoints: z.array(endpointSchema) }) },
      },
    },
    async (request) => {
      const userId = actingUserId(request.caller, request.query.user_id);
      const rows = await service.endpoints.list(viewerOf(request.caller), userId);
      return { endpoints: rows.map(endpointView) };
    },
  );

  typed.get(
    '/v1/webhook-endpoints/:id',
    {
      preHandler: callerAuth.requireCaller,
      schema: { tags, summary: 'One endpoint.', security, params: idParams, response: { 200: endpointSchema } },
    },
    async (request) => endpointView(await service.endpoints.get(viewerOf(request.caller), request.params.id)),
  );

  typed.patch(
    '/v1/webhook-endpoints/:id',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'Change the URL or events, or turn the endpoint off and on (on again resets its failure count).',
        security,
        params: idParams,
        body: z
          .object({ url: urlSchema.optional(), events: eventsSchema.optional(), enabled: z.boolean().optional() })
          .refine((body) => Object.keys(body).length > 0, 'Give url, events or enabled.'),
        response: { 200: endpointSchema },
      },
    },
    async (request) =>
      endpointView(
        await service.endpoints.update(viewerOf(request.caller), request.params.id, request.body, (userId) =>
          featuresOf(request.caller, userId),
        ),
      ),
  );

  typed.delete(
    '/v1/webhook-endpoints/:id',
    {
      preHandler: callerAuth.requireCaller,
      schema: { tags, summary: 'Remove an endpoint and its delivery history.', security, params: idParams },
    },
    async (request, reply) => {
      await service.endpoints.remove(viewerOf(request.caller), request.params.id);
      return reply.status(204).send();
    },
  );

  typed.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'A new signing secret, effective at once (shown once); the old one stops signing.',
        security,
        params: idParams,
        response: { 200: endpointWithSecretSchema },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await service.endpoints.rotateSecret(viewerOf(request.caller), request.params.id);
      reply.header('cache-control', 'no-store');
      return { ...endpointView(endpoint), secret };
    },
  );

  typed.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: "The endpoint's deliveries, newest first, with attempts and the last response.",
        security,
        params: idParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          status: z.enum(['pending', 'delivering', 'retrying', 'succeeded', 'failed']).optional(),
        }),
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }) },
      },
    },
    async (request) => {
      const rows = await service.deliveries.listForEndpoint(viewerOf(request.caller), request.params.id, {
        limit: request.query.limit,
        status: request.query.status,
      });
      return { deliveries: rows.map(deliveryView) };
    },
  );

  typed.post(
    '/v1/webhook-deliveries/:id/redeliver',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'Send a delivery again now: the same event id and body, signed with the current secret.',
        security,
        params: idParams,
        response: { 202: deliverySchema },
      },
    },
    async (request, reply) => {
      const delivery = await service.deliveries.redeliver(viewerOf(request.caller), request.params.id);
      return reply.status(202).send(deliveryView(delivery));
    },
  );
}
