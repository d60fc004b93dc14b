import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { autotradePitch, renderAutotradePage } from '../../views/features/autotrade-page.js';
import { featureFormAction, pageMember, sentLockedPage } from './member-feature-gate.js';
import { requireMemberPage } from './member-pages-rollout.js';
import { sendHtml, viewerOf } from './page-replies.js';

const page = '/account/autotrade';
const noticeQuery = z.object({ notice: z.enum(['enabled', 'disabled']).optional().catch(undefined) });

/** `/account/autotrade`: the paper account through core's autotrade service, as the API shows it. */
export async function autotradePageRoutes(app: FastifyInstance, core: Core) {
  const options = { schema: { hide: true }, preHandler: requireMemberPage(core) };
  const formOptions = { ...options, config: { csrf: true } };

  app.get(page, options, async (request, reply) => {
    const member = pageMember(request);
    const viewer = viewerOf(request, reply);
    const locked = {
      userId: member.userId,
      feature: 'autotrade_sandbox',
      section: 'autotrade',
      pitch: autotradePitch,
      viewer,
    } as const;
    if (await sentLockedPage(core, reply, locked)) return reply;
    return sendHtml(
      reply,
      renderAutotradePage({
        viewer,
        status: await core.autotrade.status(member.userId),
        notice: noticeQuery.parse(request.query ?? {}).notice,
      }),
    );
  });

  app.post(
    `${page}/enable`,
    formOptions,
    featureFormAction(core, 'autotrade_sandbox', async (_request, reply, userId) => {
      await core.autotrade.enable(userId);
      return reply.redirect(`${page}?notice=enabled`, 303);
    }),
  );

  app.post(
    `${page}/disable`,
    formOptions,
    featureFormAction(core, 'autotrade_sandbox', async (_request, reply, userId) => {
      await core.autotrade.disable(userId);
      return reply.redirect(`${page}?notice=disabled`, 303);
    }),
  );
}
