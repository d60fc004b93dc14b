import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { webhookEventTypeSchema } from '../../../core/outbound-webhooks/webhook-event-types.js';
import { renderOneTimeSecretPage } from '../../views/features/one-time-secret-page.js';
import { renderWebhookEndpointsPage, webhooksPitch } from '../../views/features/webhook-endpoints-page.js';
import {
  type FeatureFormAction,
  featureFormAction,
  pageMember,
  sendInvalidForm,
  sentLockedPage,
} from './member-feature-gate.js';
import { requireMemberPage } from './member-pages-rollout.js';
import { sendHtml, viewerOf } from './page-replies.js';

const page = '/account/webhooks';
const recentDeliveries = 5;
/** A form sends one ticked box as a string and several as an array. */
const addForm = z.object({
  url: z.string().trim().min(1).max(2048),
  events: z
    .union([webhookEventTypeSchema, z.array(webhookEventTypeSchema).max(webhookEventTypeSchema.options.length)])
    .transform((events) => [events].flat())
    .pipe(z.array(webhookEventTypeSchema).min(1)),
});
const endpointForm = z.object({ endpoint_id: z.uuid() });
const noticeQuery = z.object({ notice: z.enum(['deleted']).optional().catch(undefined) });

/**
 * `/account/webhooks`: the member's outbound webhook endpoints through core's endpoint service,
 * as the API does: add (the destination policy's refusals come back as a page with their
 * code), rotate the secret, delete, and each endpoint's recent deliveries.
 */
export async function webhookEndpointPageRoutes(app: FastifyInstance, core: Core) {
  const options = { schema: { hide: true }, preHandler: requireMemberPage(core) };
  const formOptions = { ...options, config: { csrf: true } };
  const endpoints = core.outboundWebhooks.endpoints;
  const withFeature = (action: FeatureFormAction) => featureFormAction(core, 'outbound_webhooks', action);
  const viewerFor = (userId: string) => ({ kind: 'member' as const, userId });

  const showSecret = (request: FastifyRequest, reply: FastifyReply, title: string, url: string, secret: string) =>
    sendHtml(
      reply,
      renderOneTimeSecretPage({
        viewer: viewerOf(request, reply),
        section: 'webhooks',
        title,
        intro: `Requests to ${url} are signed with this secret from now on.`,
        label: 'Signing secret',
        secret,
        backHref: page,
        backLabel: 'Back to webhooks',
      }),
    );

  app.get(page, options, async (request, reply) => {
    const member = pageMember(request);
    const viewer = viewerOf(request, reply);
    const locked = {
      userId: member.userId,
      feature: 'outbound_webhooks',
      section: 'webhooks',
      pitch: webhooksPitch,
      viewer,
    } as const;
    if (await sentLockedPage(core, reply, locked)) return reply;
    const rows = await endpoints.list(viewerFor(member.userId), member.userId);
    const withDeliveries = await Promise.all(
      rows.map(async (endpoint) => ({
        endpoint,
        deliveries: await core.outboundWebhooks.deliveries.listForEndpoint(viewerFor(member.userId), endpoint.id, {
          limit: recentDeliveries,
        }),
      })),
    );
    return sendHtml(
      reply,
      renderWebhookEndpointsPage({
        viewer,
        endpoints: withDeliveries,
        notice: noticeQuery.parse(request.query ?? {}).notice,
      }),
    );
  });

  app.post(
    page,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = addForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'Give an https URL and tick at least one event.', page);
      const { features } = await core.entitlements.get(userId);
      const { endpoint, secret } = await endpoints.create(userId, features, form.data);
      return showSecret(request, reply, 'Endpoint added', endpoint.url, secret);
    }),
  );

  app.post(
    `${page}/rotate-secret`,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = endpointForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'Choose an endpoint from the list.', page);
      const { endpoint, secret } = await endpoints.rotateSecret(viewerFor(userId), form.data.endpoint_id);
      return showSecret(request, reply, 'New signing secret', endpoint.url, secret);
    }),
  );

  app.post(
    `${page}/delete`,
    formOptions,
    withFeature(async (request, reply, userId) => {
      const form = endpointForm.safeParse(request.body ?? {});
      if (!form.success) return sendInvalidForm(request, reply, 'Choose an endpoint from the list.', page);
      await endpoints.remove(viewerFor(userId), form.data.endpoint_id);
      return reply.redirect(`${page}?notice=deleted`, 303);
    }),
  );
}
