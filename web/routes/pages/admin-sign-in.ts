import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import {
  adminPaths,
  clearAdminCookie,
  csrfAlways,
  hiddenFromDocs,
  readAdminSession,
  setAdminCookie,
} from '../../admin-web-session.js';
import {
  renderAdminEnrolPage,
  renderAdminLinkPage,
  renderAdminSignInPage,
  renderAdminTwoFactorPage,
  renderRecoveryCodesPage,
} from '../../views/admin/sign-in-pages.js';
import { renderMessagePage } from '../../views/message-page.js';

const sendPage = (reply: FastifyReply, page: string, status = 200) =>
  reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);

/** A refusal the admin can act on is shown on the form again; anything else is thrown on. */
const refusalMessage = (error: unknown) => {
  if (isAppError(error) && error.status < 500) return { status: error.status, message: error.message };
  throw error;
};

// Anything odd (a repeated field, an overlong value) is read as empty: refused like a wrong value.
const keyForm = z.object({ admin_key: z.string().max(512).catch('') });
const linkForm = z.object({ token: z.string().max(512).catch('') });
const codeForm = z.object({ code: z.string().max(64).catch('') });

/**
 * The owner's sign-in: admin key or a bot-issued link, then the TOTP code (or a recovery
 * code); enrolment with a QR code the first time. Every form carries the CSRF token (checked
 * by the page foundation for every form post).
 */
export async function adminSignInPageRoutes(app: FastifyInstance, core: Core) {
  app.get(adminPaths.signIn, { schema: hiddenFromDocs }, async (_request, reply) =>
    sendPage(reply, renderAdminSignInPage({ csrfToken: reply.generateCsrf() })),
  );

  app.post(adminPaths.signIn, { schema: hiddenFromDocs, config: csrfAlways }, async (request, reply) => {
    const form = keyForm.parse(request.body ?? {});
    try {
      const { token } = await core.adminWeb.signInWithAdminKey(form.admin_key, request.ip);
      setAdminCookie(core, reply, token);
      return reply.redirect(adminPaths.twoFactor, 303);
    } catch (error) {
      const refusal = refusalMessage(error);
      return sendPage(
        reply,
        renderAdminSignInPage({ csrfToken: reply.generateCsrf(), error: refusal.message }),
        refusal.status,
      );
    }
  });

  app.get(adminPaths.signInLink, { schema: hiddenFromDocs }, async (request, reply) => {
    const token = linkForm.parse(request.query ?? {}).token;
    return sendPage(reply, renderAdminLinkPage({ csrfToken: reply.generateCsrf(), token }));
  });

  app.post(adminPaths.signInLink, { schema: hiddenFromDocs, config: csrfAlways }, async (request, reply) => {
    const form = linkForm.parse(request.body ?? {});
    try {
      const { token } = await core.adminWeb.signInWithLink(form.token);
      setAdminCookie(core, reply, token);
      return reply.redirect(adminPaths.twoFactor, 303);
    } catch (error) {
      const refusal = refusalMessage(error);
      return sendPage(
        reply,
        renderMessagePage({
          title: 'Sign-in link not accepted',
          message: `${refusal.message} Send /admin weblogin to the bot for a new one.`,
          code: 'admin_sign_in_failed',
        }),
        refusal.status,
      );
    }
  });

  /** The enrolment page for an admin without a second factor yet, else the code form. */
  async function twoFactorPage(reply: FastifyReply, actor: string, error?: string, status = 200) {
    const csrfToken = reply.generateCsrf();
    if (await core.adminWeb.secondFactor.isEnrolled(actor))
      return sendPage(reply, renderAdminTwoFactorPage({ csrfToken, error }), status);
    const enrolment =
      (await core.adminWeb.secondFactor.pendingEnrolment(actor)) ??
      (await core.adminWeb.secondFactor.beginEnrolment(actor));
    const qrSvg = await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return sendPage(reply, renderAdminEnrolPage({ csrfToken, actor, secret: enrolment.secret, qrSvg, error }), status);
  }

  app.get(adminPaths.twoFactor, { schema: hiddenFromDocs }, async (request, reply) => {
    const session = await readAdminSession(core, request);
    if (!session) return reply.redirect(adminPaths.signIn, 303);
    if (session.secondFactorDone) return reply.redirect(adminPaths.dashboard, 303);
    return twoFactorPage(reply, session.actor);
  });

  app.post(adminPaths.twoFactor, { schema: hiddenFromDocs, config: csrfAlways }, async (request, reply) => {
    const session = await readAdminSession(core, request);
    if (!session) return reply.redirect(adminPaths.signIn, 303);
    try {
      await core.adminWeb.completeSecondFactor(session, codeForm.parse(request.body ?? {}).code);
      return reply.redirect(adminPaths.dashboard, 303);
    } catch (error) {
      const refusal = refusalMessage(error);
      return twoFactorPage(reply, session.actor, refusal.message, refusal.status);
    }
  });

  app.post(adminPaths.twoFactorEnrol, { schema: hiddenFromDocs, config: csrfAlways }, async (request, reply) => {
    const session = await readAdminSession(core, request);
    if (!session) return reply.redirect(adminPaths.signIn, 303);
    try {
      const codes = await core.adminWeb.confirmEnrolment(session, codeForm.parse(request.body ?? {}).code);
      return sendPage(reply, renderRecoveryCodesPage({ codes }));
    } catch (error) {
      const refusal = refusalMessage(error);
      return twoFactorPage(reply, session.actor, refusal.message, refusal.status);
    }
  });

  app.post(adminPaths.signOut, { schema: hiddenFromDocs, config: csrfAlways }, async (request, reply) => {
    const session = await readAdminSession(core, request);
    if (session) await core.adminWeb.signOut(session);
    clearAdminCookie(core, reply);
    return reply.redirect(adminPaths.signIn, 303);
  });
}
