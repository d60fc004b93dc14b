import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../../core/index.js';
import type { WebSessionMember } from '../../../core/web-sessions/web-session-service.js';
import { html } from '../../views/escape-html.js';
import { renderMessagePage } from '../../views/message-page.js';
import { sendHtml, viewerOf } from './page-replies.js';
import { redirectToSignIn } from './sign-in-pages.js';

/**
 * The member pages behind the `billing_pages` rollout flag (off / allow-list / percentage /
 * on): decided per member on every view, so a moderator's change applies at once. The bots
 * sell and manage plans whatever the flag says; only these pages wait for it.
 */
export async function memberPagesOpenFor(core: Core, member: WebSessionMember): Promise<boolean> {
  return core.featureFlags.billingPagesEnabledFor(member.userId);
}

/** What a member outside the rollout sees instead of a page: where to do the same in the chat. */
export function sendMemberPagesNotOpen(request: FastifyRequest, reply: FastifyReply) {
  return sendHtml(
    reply,
    renderMessagePage({
      title: 'Coming soon to the web',
      message:
        'These pages are opening to members a few at a time. Everything here works in the chat today: /status, /manage, /signals, /apikey and /autotrade.',
      code: 'member_pages_not_open',
      viewer: viewerOf(request, reply),
      extra: html`<p><a class="button" href="/pricing">See the plans</a></p>`,
    }),
  );
}

/**
 * preHandler for a member page: signed out goes to sign-in (and comes back here), outside the
 * rollout gets the "coming soon" page; otherwise `request.webMember` is set for the handler.
 */
export function requireMemberPage(core: Core) {
  return async function memberPageGuard(request: FastifyRequest, reply: FastifyReply) {
    const member = request.webMember;
    if (!member) return redirectToSignIn(core, reply, request.url);
    if (!(await memberPagesOpenFor(core, member))) return sendMemberPagesNotOpen(request, reply);
  };
}
