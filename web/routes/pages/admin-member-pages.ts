import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, z } from 'zod';
import { minorUnitsFromMajor } from '../../../core/billing/major-amount.js';
import { isAppError, notFound } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { edgeId, edgeText } from '../../../core/validation/edge-text.js';
import { adminPaths, csrfAlways, hiddenFromDocs, requireAdminPage } from '../../admin-web-session.js';
import { renderAdminRefusalPage } from '../../views/admin/admin-refusal-page.js';
import { type MemberNotice, memberNotices, renderMemberPage } from '../../views/admin/member-page.js';
import { renderMembersPage } from '../../views/admin/members-page.js';
import { sendHtml } from './page-replies.js';

const memberParams = z.object({ user_id: z.uuid() });
const searchQuery = z.object({ q: z.string().max(320).optional().catch(undefined) });
const memberQuery = z.object({
  done: z
    .enum(Object.keys(memberNotices) as [MemberNotice, ...MemberNotice[]])
    .optional()
    .catch(undefined),
  changes: z.coerce.number().int().min(0).max(10_000).optional().catch(undefined),
});
/** An empty reason is the page's own words: the audit log still says where the change came from. */
const reasonOr = (fallback: string) =>
  edgeText()
    .trim()
    .max(500)
    .catch(fallback)
    .transform((value) => value || fallback);

const grantForm = z.object({
  plan_id: edgeId(40),
  days: z.coerce.number().int().min(1).max(3650),
  reason: reasonOr('granted from the admin pages'),
});
const refundForm = z.object({
  amount: z.string().max(20).catch(''),
  reason: reasonOr('refund from the admin pages'),
});

const actorOf = (request: FastifyRequest) => request.adminSession!.actor;

/**
 * Member search and one member's page, with the moderator's actions. Every action is the core
 * call the JSON admin API and `/admin` bot commands make, audited as the signed-in admin; a
 * refusal is a page with its stable code, never JSON.
 */
export async function adminMemberPageRoutes(app: FastifyInstance, core: Core) {
  const guard = requireAdminPage(core);
  const memberPath = (userId: string) => `${adminPaths.members}/${userId}`;

  function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown, userId?: string) {
    const refusal =
      error instanceof ZodError
        ? {
            status: 400,
            code: 'invalid_request',
            message: `The form is not filled in right: ${error.issues[0]?.path.join('.') || 'form'}: ${error.issues[0]?.message ?? 'invalid'}.`,
          }
        : isAppError(error) && error.status < 500
          ? { status: error.status, code: error.code, message: error.message }
          : undefined;
    if (!refusal) throw error;
    return sendHtml(
      reply,
      renderAdminRefusalPage({
        section: 'members',
        message: refusal.message,
        code: refusal.code,
        back: userId
          ? { href: memberPath(userId), label: 'Back to the member' }
          : { href: adminPaths.members, label: 'Back to members' },
        actor: actorOf(request),
        csrfToken: reply.generateCsrf(),
      }),
      refusal.status,
    );
  }

  app.get(adminPaths.members, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const query = (searchQuery.parse(request.query ?? {}).q ?? '').trim();
    const hits = query ? await core.members.search(query) : null;
    return sendHtml(
      reply,
      renderMembersPage({ query, hits, actor: actorOf(request), csrfToken: reply.generateCsrf() }),
    );
  });

  app.get(`${adminPaths.members}/:user_id`, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const parsed = memberParams.safeParse(request.params);
    if (!parsed.success) return refuse(request, reply, notFound('member_not_found', 'No member has this id.'));
    const userId = parsed.data.user_id;
    try {
      const member = await core.members.lookup(userId);
      const [plan, grants, freezes, plans] = await Promise.all([
        core.catalog.getPlan(member.entitlement.tier),
        core.grants.list(userId),
        core.freezes.list(userId),
        core.catalog.listPlans(),
      ]);
      const { done, changes } = memberQuery.parse(request.query ?? {});
      return sendHtml(
        reply,
        renderMemberPage({
          member,
          planName: plan.name,
          grants,
          freezes,
          grantablePlans: plans.filter((each) => each.id !== 'free').map((each) => ({ id: each.id, name: each.name })),
          notice: done,
          changes,
          now: core.clock.now(),
          actor: actorOf(request),
          csrfToken: reply.generateCsrf(),
        }),
      );
    } catch (error) {
      return refuse(request, reply, error);
    }
  });

  /** A POST on one member: runs the action, then back to the member's page with what happened. */
  function memberAction<Params extends z.ZodRawShape>(
    path: string,
    params: Params,
    run: (input: { userId: string; params: z.infer<z.ZodObject<Params>>; request: FastifyRequest }) => Promise<string>,
  ) {
    const paramsSchema = memberParams.extend(params);
    app.post(
      `${adminPaths.members}/:user_id${path}`,
      { schema: hiddenFromDocs, preHandler: guard, config: csrfAlways },
      async (request, reply) => {
        const userId = memberParams.safeParse(request.params).data?.user_id;
        try {
          const parsed = paramsSchema.safeParse(request.params);
          if (!parsed.success || !userId) throw notFound('not_found', 'Nothing here has this id.');
          const outcome = await run({ userId, params: parsed.data as z.infer<z.ZodObject<Params>>, request });
          return reply.redirect(`${memberPath(userId)}?done=${outcome}`, 303);
        } catch (error) {
          return refuse(request, reply, error, userId);
        }
      },
    );
  }

  // As POST /admin/grants and `/admin grant`.
  memberAction('/grants', {}, async ({ userId, request }) => {
    const form = grantForm.parse(request.body ?? {});
    await core.grants.grant(
      { userId, planId: form.plan_id, days: form.days, expiresAt: null, reason: form.reason },
      actorOf(request),
    );
    return 'granted';
  });

  // As POST /admin/grants/:id/revoke; only a grant of this member, so the page that follows shows it.
  memberAction('/grants/:grant_id/revoke', { grant_id: z.uuid() }, async ({ userId, params, request }) => {
    const { reason } = z.object({ reason: reasonOr('revoked from the admin pages') }).parse(request.body ?? {});
    if (!(await core.grants.list(userId)).some((grant) => grant.id === params.grant_id))
      throw notFound('grant_not_found', 'This member has no such grant.');
    await core.grants.revoke(params.grant_id, reason, actorOf(request));
    return 'grant_revoked';
  });

  // As POST /admin/users/:id/freezes.
  memberAction('/freezes', {}, async ({ userId, request }) => {
    const { reason } = z.object({ reason: reasonOr('frozen from the admin pages') }).parse(request.body ?? {});
    await core.freezes.freeze({ userId, reason }, actorOf(request));
    return 'frozen';
  });

  // As POST /admin/freezes/:id/lift.
  memberAction('/freezes/:freeze_id/lift', { freeze_id: z.uuid() }, async ({ userId, params, request }) => {
    const { reason } = z.object({ reason: reasonOr('lifted from the admin pages') }).parse(request.body ?? {});
    if (!(await core.freezes.list(userId)).some((freeze) => freeze.id === params.freeze_id))
      throw notFound('freeze_not_found', 'This member has no such freeze.');
    await core.freezes.lift(params.freeze_id, reason, actorOf(request));
    return 'freeze_lifted';
  });

  // As POST /admin/payments/:id/refund: all that remains, or the amount typed in the payment's currency.
  memberAction('/payments/:payment_id/refund', { payment_id: z.uuid() }, async ({ userId, params, request }) => {
    const form = refundForm.parse(request.body ?? {});
    const payment = (await core.members.lookup(userId)).payments.find((each) => each.id === params.payment_id);
    if (!payment) throw notFound('payment_not_found', 'This member has no such payment among their last ten.');
    const amountMinor = form.amount.trim() ? minorUnitsFromMajor(form.amount, payment.currency) : null;
    await core.subscriptions.refund({ purchaseId: payment.id, amountMinor, reason: form.reason }, actorOf(request));
    return 'refund_requested';
  });

  // As `/admin sync <member>`: reconcile now (audited), and say how many changes it made.
  memberAction('/access/sync', {}, async ({ userId, request }) => {
    await core.members.resolve(userId, 'console');
    const report = await core.access.resyncForModerator(userId, actorOf(request));
    return `resynced&changes=${report.actions.length}`;
  });
}
