import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { maxActiveKeysPerMember } from '../../../core/api-keys/api-key-service.js';
import type { Core } from '../../../core/index.js';
import { apiKeysPitch, renderApiKeysPage } from '../../views/features/api-keys-page.js';
import { renderOneTimeSecretPage } from '../../views/features/one-time-secret-page.js';
import {
  type FeatureFormAction,
  featureFormAction,
  pageMember,
  sendInvalidForm,
  sentLockedPage,
} from './member-feature-gate.js';
import { requireMemberPage } from './member-pages-rollout.js';
import { sendHtml, viewerOf } from './page-replies.js';

const page = '/account/api-keys';
const createForm = z.object({ name: z.string().trim().max(64).optional() });
const keyForm = z.object({ key_id: z.uuid() });
const noticeQuery = z.object({ notice: z.enum(['revoked']).optional().catch(undefined) });

/**
 * `/account/api-keys`: list, create, rotate, revoke through core's key service, as the API
 * does. Every action checks the feature again on the server and acts only on the member's own
 * keys (another member's id is core's 404); a new secret is on the answer page only.
 */
export async function apiKeyPageRoutes(app: FastifyInstance, core: Core) {
  const options = { schema: { hide: true }, preHandler: requireMemberPage(core) };
  const formOptions = { ...options, config: { csrf: true } };
  const actorOf = (userId: string) => ({ kind: 'member' as const, userId, tag: `user:${userId}` });

  const withFeature = (action: FeatureFormAction) => featureFormAction(core, 'api_keys', action);

  const showSecret = (request: FastifyRequest, reply: FastifyReply, title: string, intro: string, key: string) =>
    sendHtml(
      reply,
      renderOneTimeSecretPage({
        viewer: viewerOf(request, reply),
        section: 'api-keys',
        title,
        intro,
        label: 'Your API key',
        secret: key,
        backHref: page,
        backLabel: 'Back to API keys',
      }),
    );

  app.get(page, options, async (request, reply) => {
    const member = pageMember(request);
    const viewer = viewerOf(request, reply);
    const locked = {
      userId: member.userId,
      feature: 'api_keys',
      section: 'api-keys',
      pitch: apiKeysPitch,
      viewer,
    } as const;
    if (await sentLockedPage(core, reply, locked)) return reply;
    return sendHtml(
      reply,
      renderApiKeysPage({
        viewer,
        keys: await core.apiKeys.list(member.userId),
        maxKeys: maxActiveKeysPerMember,
        notice: noticeQuery.parse(request.query ?? {}).notice,
      }),
    );
  });

  app.post(
    page,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = createForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'A key name is at most 64 characters.', page);
      const { key, record } = await core.apiKeys.create(actorOf(userId), {
        userId,
        name: form.data.name || undefined,
      });
      return showSecret(request, reply, 'Your new API key', `Key ${record.masked} is ready.`, key);
    }),
  );

  app.post(
    `${page}/rotate`,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = keyForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'Choose a key from the list.', page);
      const { key, record, replaced } = await core.apiKeys.rotate(actorOf(userId), form.data.key_id);
      return showSecret(
        request,
        reply,
        'Your rotated API key',
        `Key ${replaced.masked} stopped working; ${record.masked} replaces it.`,
        key,
      );
    }),
  );

  app.post(
    `${page}/revoke`,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = keyForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'Choose a key from the list.', page);
      await core.apiKeys.revoke(actorOf(userId), form.data.key_id);
      return reply.redirect(`${page}?notice=revoked`, 303);
    }),
  );
}
