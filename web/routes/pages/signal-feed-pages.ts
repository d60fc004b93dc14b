import type { FastifyInstance } from 'fastify';
import type { Core } from '../../../core/index.js';
import { renderSignalFeedPage } from '../../views/features/signal-feed-page.js';
import { featureAccess, pageMember, planNameOf, upgradeOfferFor } from './member-feature-gate.js';
import { requireMemberPage } from './member-pages-rollout.js';
import { sendHtml, viewerOf } from './page-replies.js';

const feedLength = 20;

/**
 * `/signals`: the feed from the reader the API's GET /v1/signals uses (the tier's delay and
 * history window apply), plus a locked card for each signal still inside the member's delay.
 */
export async function signalFeedPageRoutes(app: FastifyInstance, core: Core) {
  app.get('/signals', { schema: { hide: true }, preHandler: requireMemberPage(core) }, async (request, reply) => {
    const member = pageMember(request);
    const { view, granted } = await featureAccess(core, member.userId, 'realtime_signals');
    const [signals, delayed, usage, offer, planName] = await Promise.all([
      core.signals.latest(view, feedLength),
      core.delayedSignals.inDelayWindow(view, feedLength),
      core.quotas.usage(member.userId),
      granted ? undefined : upgradeOfferFor(core, 'realtime_signals'),
      planNameOf(core, view.tier),
    ]);
    return sendHtml(
      reply,
      renderSignalFeedPage({
        viewer: viewerOf(request, reply),
        now: core.clock.now(),
        planName,
        quota: { used: usage.signals_per_day ?? 0, limit: view.quotas.signals_per_day },
        delaySeconds: view.quotas.signal_delay_seconds ?? 0,
        signals,
        delayed,
        offer,
      }),
    );
  });
}
