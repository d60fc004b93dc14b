import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { renderMessagePage } from '../../views/message-page.js';
import { renderSignInPage } from '../../views/sign-in-page.js';
import { baseCookieOptions, clearSessionCookie, setSessionCookie } from '../../web-session.js';
import { readLoginToken, sendUnusableLoginLink } from './login-link-token.js';
import { safeReturnPath, sendHtml, viewerOf } from './page-replies.js';
import { referralCookieName } from './referral-landing.js';

const signInForm = z.object({
  email: z
    .string()
    .trim()
    .max(320)
    .pipe(z.email())
    .transform((email) => email.toLowerCase()),
});

/** Where a member who was sent to sign in (a buy button, the account page) goes back to. */
export const returnToCookieName = 'return_to';

export function rememberReturnPath(core: Core, reply: FastifyReply, path: string) {
  reply.setCookie(returnToCookieName, path, { ...baseCookieOptions(core), maxAge: 3600 });
}

/** Sends a signed-out member to sign in, remembering where they were going. */
export function redirectToSignIn(core: Core, reply: FastifyReply, returnPath: string) {
  rememberReturnPath(core, reply, returnPath);
  return reply.redirect('/sign-in', 303);
}

/**
 * Browser sign-in: a one-time link (the bot's DM or an email) becomes a cookie session,
 * separate from API tokens. A referral code remembered by `/r/<code>` is applied to the
 * member here. Sign-out ends this browser's session; "everywhere" ends all of them.
 */
export async function signInPageRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    if (request.webMember) return reply.redirect('/account/billing', 303);
    return sendHtml(
      reply,
      renderSignInPage({ viewer: viewerOf(request, reply), communityUrl: core.config.COMMUNITY_URL }),
    );
  });

  typed.post(
    '/sign-in',
    {
      schema: { hide: true },
      config: { csrf: true },
    },
    async (request, reply) => {
      const email = signInForm.safeParse(request.body ?? {});
      if (!email.success)
        return sendHtml(
          reply,
          renderSignInPage({
            viewer: viewerOf(request, reply),
            communityUrl: core.config.COMMUNITY_URL,
            refusal: {
              message: 'Enter the email address of your account, like name@example.com.',
              code: 'email_invalid',
            },
          }),
          400,
        );
      try {
        await core.auth.requestLogin({ email: email.data.email });
      } catch (error) {
        // Over the limit looks the same as sent: the page never says whether an address is a member.
        if (!isAppError(error) || error.code !== 'rate_limited') throw error;
      }
      return sendHtml(
        reply,
        renderSignInPage({ viewer: viewerOf(request, reply), communityUrl: core.config.COMMUNITY_URL, sent: true }),
      );
    },
  );

  typed.post('/login/browser', { schema: { hide: true }, config: { csrf: true } }, async (request, reply) => {
    const token = readLoginToken(request);
    if (!token) return sendUnusableLoginLink(request, reply);
    let signedIn: { userId: string; channel: string };
    try {
      signedIn = await core.auth.consumeLoginLink(token);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      return sendUnusableLoginLink(request, reply, error);
    }
    const session = await core.webSessions.create(signedIn.userId, signedIn.channel);
    setSessionCookie(core, reply, session.token, session.expiresAt);
    await applyRememberedReferral(core, request, reply, signedIn.userId);
    const returnPath = safeReturnPath(request.cookies[returnToCookieName]) ?? '/account/billing';
    reply.clearCookie(returnToCookieName, baseCookieOptions(core));
    return reply.redirect(returnPath, 303);
  });

  typed.post('/sign-out', { schema: { hide: true }, config: { csrf: true } }, async (request, reply) => {
    if (request.webMember) await core.webSessions.revoke(request.webMember.sessionId);
    clearSessionCookie(core, reply);
    return reply.redirect('/pricing', 303);
  });

  typed.post('/sign-out/everywhere', { schema: { hide: true }, config: { csrf: true } }, async (request, reply) => {
    clearSessionCookie(core, reply);
    if (!request.webMember) return reply.redirect('/sign-in', 303);
    await core.webSessions.revokeAll(request.webMember.userId);
    request.webMember = null;
    return sendHtml(
      reply,
      renderMessagePage({
        title: 'Signed out everywhere',
        message: 'Every browser signed in to your account is signed out now. API tokens and keys are not affected.',
        viewer: viewerOf(request, reply),
      }),
    );
  });
}

/** The invite a browser arrived with counts for the member who signs in on it (first referrer wins). */
async function applyRememberedReferral(core: Core, request: FastifyRequest, reply: FastifyReply, userId: string) {
  const code = request.cookies[referralCookieName];
  if (!code) return;
  reply.clearCookie(referralCookieName, baseCookieOptions(core));
  try {
    await core.referrals.attributeFromWebLink(userId, code);
  } catch (error) {
    // Signing in matters more than the attribution; a failure is logged, not shown.
    request.log.warn({ err: error }, 'referral from the web link not applied');
  }
}
