import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { renderAccountBillingPage } from '../../views/account-billing-page.js';
import { type BillingNotice, renderBillingPage } from '../../views/billing/billing-page.js';
import { renderPlanChangePreviewPage } from '../../views/billing/plan-change-preview-page.js';
import { html } from '../../views/escape-html.js';
import { renderMessagePage } from '../../views/message-page.js';
import { memberPagesOpenFor, requireMemberPage } from './member-pages-rollout.js';
import { sendHtml, sendRefusalPage, viewerOf } from './page-replies.js';
import { redirectToSignIn } from './sign-in-pages.js';

const billingQuery = z.object({
  checkout: z.string().max(20).optional(),
  done: z.string().max(20).optional(),
});

const actionNotices: ReadonlySet<string> = new Set(['canceled', 'resumed', 'changed']);

/** Which plan the member asks for; never whose subscription (that is always the signed-in member's). */
// Passthrough keeps `_csrf` in the body for the CSRF check, which runs after validation.
const planChoice = z.object({ plan_id: z.string().min(1).max(64) }).passthrough();

/** The signed-in member, set by requireMemberPage. */
const memberOf = (request: FastifyRequest) => {
  const member = request.webMember;
  if (!member) throw new Error('requireMemberPage lets no signed-out request through');
  return member;
};

/** Every change a member makes here is audited as theirs, through the web. */
const actorOf = (userId: string) => `web:${userId}`;

const sendPlanChoiceInvalid = (request: FastifyRequest, reply: FastifyReply) =>
  sendHtml(
    reply,
    renderMessagePage({
      title: 'Choose a plan',
      message: 'Press the button of the plan you want to switch to.',
      code: 'invalid_request',
      viewer: viewerOf(request, reply),
      extra: html`<p><a href="/account/billing">Back to billing</a></p>`,
    }),
    400,
  );

/**
 * /account/billing and its forms. The page is the payment portal's return URL, so it always
 * answers: members inside the billing pages' rollout get the full page, the others the plan
 * summary. The forms act on the signed-in member's own subscription only (no ids in them),
 * check the CSRF token, and answer core's refusals on a page with the stable code.
 */
export async function accountBillingPageRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const memberPage = requireMemberPage(core);
  const formOptions = { preHandler: memberPage, config: { csrf: true } };

  typed.get('/account/billing', { schema: { hide: true, querystring: billingQuery } }, async (request, reply) => {
    const member = request.webMember;
    if (!member) return redirectToSignIn(core, reply, '/account/billing');
    const checkoutNotice = request.query.checkout === 'success';
    if (!(await memberPagesOpenFor(core, member)))
      return sendPlanSummary(core, request, reply, member.userId, checkoutNotice);
    const done = request.query.done;
    const notice = checkoutNotice
      ? 'checkout'
      : done !== undefined && actionNotices.has(done)
        ? (done as BillingNotice)
        : null;
    return sendHtml(
      reply,
      renderBillingPage({
        viewer: viewerOf(request, reply),
        overview: await core.billingOverview.forMember(member.userId),
        notice,
      }),
    );
  });

  typed.post('/account/billing/cancel', { schema: { hide: true }, ...formOptions }, async (request, reply) => {
    const { userId } = memberOf(request);
    try {
      await core.subscriptions.cancel({ userId, atPeriodEnd: true }, actorOf(userId));
    } catch (error) {
      return sendRefusalPage(request, reply, error, 'Could not cancel');
    }
    return reply.redirect('/account/billing?done=canceled', 303);
  });

  typed.post('/account/billing/resume', { schema: { hide: true }, ...formOptions }, async (request, reply) => {
    const { userId } = memberOf(request);
    try {
      await core.subscriptions.resume({ userId }, actorOf(userId));
    } catch (error) {
      return sendRefusalPage(request, reply, error, 'Could not resume');
    }
    return reply.redirect('/account/billing?done=resumed', 303);
  });

  typed.post('/account/billing/portal', { schema: { hide: true }, ...formOptions }, async (request, reply) => {
    const { userId } = memberOf(request);
    try {
      const portal = await core.subscriptions.portal({
        userId,
        returnUrl: `${core.config.PUBLIC_URL}/account/billing`,
      });
      return reply.redirect(portal.url, 303);
    } catch (error) {
      return sendRefusalPage(request, reply, error, 'The payment portal is not available');
    }
  });

  typed.post(
    '/account/billing/change-plan/preview',
    { schema: { hide: true, body: planChoice }, attachValidation: true, ...formOptions },
    async (request, reply) => {
      if (request.validationError) return sendPlanChoiceInvalid(request, reply);
      const { userId } = memberOf(request);
      try {
        const preview = await core.subscriptions.previewPlanChange({ userId, planId: request.body.plan_id });
        return sendHtml(reply, renderPlanChangePreviewPage({ viewer: viewerOf(request, reply), preview }));
      } catch (error) {
        return sendRefusalPage(request, reply, error, 'Could not price that change');
      }
    },
  );

  typed.post(
    '/account/billing/change-plan',
    { schema: { hide: true, body: planChoice }, attachValidation: true, ...formOptions },
    async (request, reply) => {
      if (request.validationError) return sendPlanChoiceInvalid(request, reply);
      const { userId } = memberOf(request);
      try {
        await core.subscriptions.changePlan({ userId, planId: request.body.plan_id, prorate: true }, actorOf(userId));
      } catch (error) {
        return sendRefusalPage(request, reply, error, 'Could not change the plan');
      }
      return reply.redirect('/account/billing?done=changed', 303);
    },
  );
}

/** The plan summary members outside the rollout get, as before the full page existed. */
async function sendPlanSummary(
  core: Core,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  checkoutNotice: boolean,
) {
  const view = await core.entitlements.get(userId);
  let planName = view.tier;
  try {
    planName = (await core.catalog.getPlan(view.tier)).name;
  } catch (error) {
    // A tier whose plan row is gone still shows its id rather than failing the page.
    if (!isAppError(error) || error.code !== 'plan_not_found') throw error;
  }
  return sendHtml(
    reply,
    renderAccountBillingPage({
      viewer: viewerOf(request, reply),
      planName,
      status: view.status,
      expiresAt: view.expires_at,
      checkoutNotice,
    }),
  );
}
