import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { buildDashboard, dashboardPeriod, periodPresets } from '../../../core/admin-web/dashboard.js';
import { isAppError } from '../../../core/errors.js';
import { billingPagesFlag } from '../../../core/feature-flags/feature-flags.js';
import { rolloutModes } from '../../../core/feature-flags/rollout.js';
import type { Core } from '../../../core/index.js';
import { type PaymentEventStatus, paymentEventStatuses } from '../../../core/webhooks/payment-event-admin.js';
import {
  adminPaths,
  csrfAlways,
  hiddenFromDocs,
  installAdminSession,
  requireAdminPage,
} from '../../admin-web-session.js';
import { renderDashboardPage } from '../../views/admin/dashboard-page.js';
import { renderInboxPage } from '../../views/admin/inbox-page.js';
import { renderRolloutPage } from '../../views/admin/rollout-page.js';
import { adminMemberPageRoutes } from './admin-member-pages.js';
import { adminPlanPageRoutes } from './admin-plan-pages.js';
import { adminSignInPageRoutes } from './admin-sign-in.js';
import { adminSignalPageRoutes } from './admin-signal-pages.js';

const sendPage = (reply: FastifyReply, page: string, status = 200) =>
  reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const dashboardQuery = z.object({
  preset: z.enum(periodPresets).optional().catch(undefined),
  // An empty date field is sent as `from=`: no custom period.
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
});

const rolloutForm = z.object({
  mode: z.enum(rolloutModes),
  // Out of range or not a number is left to the flag service, which says what is wrong.
  percentage: z.coerce.number().catch(Number.NaN),
  allow_list: z.string().max(40_000).catch(''),
});

/** The owner's pages: dashboard, webhook inbox with replay, and the billing pages rollout. */
export async function adminPageRoutes(app: FastifyInstance, core: Core) {
  installAdminSession(app);
  await adminSignInPageRoutes(app, core);
  const guard = requireAdminPage(core);
  await adminPlanPageRoutes(app, core);
  await adminMemberPageRoutes(app, core);
  await adminSignalPageRoutes(app, core);
  const actorOf = (request: { adminSession: { actor: string } | null }) => request.adminSession!.actor;

  app.get('/admin', { schema: hiddenFromDocs, preHandler: guard }, async (_request, reply) =>
    reply.redirect(adminPaths.dashboard, 303),
  );

  app.get(adminPaths.dashboard, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const selection = dashboardQuery.parse(request.query ?? {});
    let period: ReturnType<typeof dashboardPeriod>;
    try {
      period = dashboardPeriod(selection, core.clock.now());
    } catch (error) {
      if (!isAppError(error)) throw error;
      period = dashboardPeriod({}, core.clock.now());
    }
    const dashboard = await buildDashboard(core, period);
    return sendPage(
      reply,
      renderDashboardPage({ dashboard, selection, actor: actorOf(request), csrfToken: reply.generateCsrf() }),
    );
  });

  async function inbox(reply: FastifyReply, actor: string, replayed?: string, status?: PaymentEventStatus) {
    // One status picked: its events alone; otherwise what needs the owner, dead letters and failures.
    const [counts, failing, dead, selected] = await Promise.all([
      core.paymentEvents.countByStatus([...paymentEventStatuses]),
      status ? [] : core.paymentEvents.list({ status: 'failed', limit: 50 }),
      status ? [] : core.paymentEvents.list({ status: 'dead', limit: 100 }),
      status ? core.paymentEvents.list({ status, limit: 100 }) : undefined,
    ]);
    const filtered = status && selected ? { status, events: selected } : undefined;
    return sendPage(
      reply,
      renderInboxPage({ counts, failing, dead, filtered, replayed, actor, csrfToken: reply.generateCsrf() }),
    );
  }

  app.get(adminPaths.inbox, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const { replayed, status } = z
      .object({
        replayed: z.uuid().optional().catch(undefined),
        status: z.enum(paymentEventStatuses).optional().catch(undefined),
      })
      .parse(request.query ?? {});
    return inbox(reply, actorOf(request), replayed, status);
  });

  // The same replay as `npm run script replay-webhook` and POST /admin/webhooks/:id/replay, audited as this admin.
  app.post(
    `${adminPaths.inbox}/:event_id/replay`,
    { schema: hiddenFromDocs, preHandler: guard, config: csrfAlways },
    async (request, reply) => {
      const { event_id: eventId } = z.object({ event_id: z.uuid() }).parse(request.params);
      await core.paymentEvents.replay(eventId, actorOf(request));
      return reply.redirect(`${adminPaths.inbox}?replayed=${eventId}`, 303);
    },
  );

  app.get(adminPaths.rollout, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const saved = (request.query as Record<string, unknown> | undefined)?.saved === '1';
    const flag = await core.featureFlags.get(billingPagesFlag);
    return sendPage(
      reply,
      renderRolloutPage({ flag, saved, actor: actorOf(request), csrfToken: reply.generateCsrf() }),
    );
  });

  app.post(
    adminPaths.rollout,
    { schema: hiddenFromDocs, preHandler: guard, config: csrfAlways },
    async (request, reply) => {
      const parsed = rolloutForm.safeParse(request.body ?? {});
      try {
        if (!parsed.success) throw new Error('mode missing');
        await core.featureFlags.set(
          billingPagesFlag,
          {
            mode: parsed.data.mode,
            percentage: parsed.data.percentage,
            allowList: parsed.data.allow_list.split(/[\s,]+/).filter(Boolean),
          },
          actorOf(request),
        );
        return reply.redirect(`${adminPaths.rollout}?saved=1`, 303);
      } catch (error) {
        if (parsed.success && !isAppError(error)) throw error;
        const flag = await core.featureFlags.get(billingPagesFlag);
        return sendPage(
          reply,
          renderRolloutPage({
            flag,
            error: isAppError(error) ? error.message : 'Choose a mode.',
            actor: actorOf(request),
            csrfToken: reply.generateCsrf(),
          }),
          400,
        );
      }
    },
  );
}
