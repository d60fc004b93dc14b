import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyScopeSchema } from '../../../core/api-keys/api-key-scopes.js';
import type { KeyActor } from '../../../core/api-keys/api-key-service.js';
import type { Core } from '../../../core/index.js';
import { edgeText } from '../../../core/validation/edge-text.js';
import { adminActor } from '../../admin-auth.js';
import { actingUserId, type Caller, type CallerAuth } from '../../caller-auth.js';

const keyRecordSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  masked: z.string(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  rotated_from_id: z.uuid().nullable(),
});

/** The one answer that carries the secret: the member must copy it now. */
const issuedKeySchema = keyRecordSchema.extend({ key: z.string() });

const keyActorOf = (caller: Caller): KeyActor =>
  caller.kind === 'admin'
    ? { kind: 'admin', tag: adminActor }
    : { kind: 'member', userId: caller.userId as string, tag: `user:${caller.userId}` };

const idParams = z.object({ id: z.uuid() });

/**
 * A member's API keys. Creating, rotating and revoking take a signed-in session (access token)
 * or the admin key, never an API key: a leaked key must not be able to mint more keys.
 */
export async function apiKeyRoutes(app: FastifyInstance, core: Core, callerAuth: CallerAuth) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const manage = [callerAuth.requireCaller, callerAuth.requireKinds('admin', 'access_token')];
  const security = [{ bearer: [] }];

  typed.post(
    '/v1/api-keys',
    {
      preHandler: manage,
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key (the secret is shown once). Admin: any user, with scopes.',
        security,
        body: z.object({
          name: edgeText().trim().max(64).optional(),
          scopes: z.array(apiKeyScopeSchema).max(8).optional(),
          user_id: z.uuid().optional(),
        }),
        response: { 201: issuedKeySchema },
      },
    },
    async (request, reply) => {
      const userId = actingUserId(request.caller, request.body.user_id);
      const { key, record } = await core.apiKeys.create(keyActorOf(request.caller), {
        userId,
        name: request.body.name,
        scopes: request.body.scopes,
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...record, key });
    },
  );

  typed.get(
    '/v1/api-keys',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags: ['api keys'],
        summary: "The caller's active keys (prefixes only, never secrets).",
        security,
        querystring: z.object({ user_id: z.uuid().optional() }),
        response: { 200: z.object({ keys: z.array(keyRecordSchema) }) },
      },
    },
    async (request) => ({ keys: await core.apiKeys.list(actingUserId(request.caller, request.query.user_id)) }),
  );

  typed.post(
    '/v1/api-keys/:id/rotate',
    {
      preHandler: manage,
      schema: {
        tags: ['api keys'],
        summary: 'Revoke a key now and issue its successor (same name and scopes; shown once).',
        security,
        params: idParams,
        response: { 201: issuedKeySchema.extend({ replaced_id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const { key, record, replaced } = await core.apiKeys.rotate(keyActorOf(request.caller), request.params.id);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...record, key, replaced_id: replaced.id });
    },
  );

  typed.delete(
    '/v1/api-keys/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['api keys'],
        summary: 'Revoke a key; it stops working at once, in every process.',
        security,
        params: idParams,
        response: { 200: keyRecordSchema },
      },
    },
    async (request) => core.apiKeys.revoke(keyActorOf(request.caller), request.params.id),
  );
}
