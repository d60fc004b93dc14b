import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { renderLinkPage } from '../../views/link-page.js';

const titles: Record<string, string> = {
  link_invalid: 'This link is not valid',
  link_expired: 'This link has expired',
};

/**
 * Personal links the bots hand out: `/c/<token>` opens the checkout for the member named in
 * the signed token (whoever opened it), `/m/<token>` the billing portal. Members are people
 * with a browser, so refusals are small pages with the stable code, not JSON.
 */
export async function checkoutLinkRoutes(app: FastifyInstance, core: Core) {
  const send = (reply: FastifyReply, status: number, page: Parameters<typeof renderLinkPage>[0]) =>
    reply.status(status).type('text/html; charset=utf-8').send(renderLinkPage(page));

  const refuse = (reply: FastifyReply, error: unknown) => {
    if (isAppError(error) && error.status < 500)
      return send(reply, error.status, {
        title: titles[error.code] ?? 'This link cannot be used',
        message: error.message,
        code: error.code,
      });
    reply.log.error({ err: error }, 'personal link failed');
    const status = isAppError(error) ? error.status : 500;
    if (isAppError(error) && error.retryable) reply.header('retry-after', '5');
    return send(reply, status, {
      title: 'Something went wrong',
      message: 'We could not open this page right now. Try the link again in a minute.',
      code: isAppError(error) ? error.code : 'internal_error',
    });
  };

  app.addHook('onSend', async (_request, reply) => {
    // The token is a bearer credential for a few minutes: keep it out of caches and referrers.
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
  });

  // Wildcards, not `:token`: router params stop at 100 characters and a token is about 220.
  app.get<{ Params: { '*': string } }>('/c/*', { schema: { hide: true } }, async (request, reply) => {
    try {
      const { url } = await core.links.openCheckout(request.params['*']);
      return reply.redirect(url, 303);
    } catch (error) {
      return refuse(reply, error);
    }
  });

  app.get<{ Params: { '*': string } }>('/m/*', { schema: { hide: true } }, async (request, reply) => {
    try {
      const { url } = await core.links.openManage(request.params['*']);
      return reply.redirect(url, 303);
    } catch (error) {
      if (isAppError(error) && error.code === 'portal_not_available')
        return send(reply, 200, {
          title: 'No billing portal here',
          message: `${error.message} Use /status and /cancel in the bot, or ask a moderator.`,
        });
      return refuse(reply, error);
    }
  });
}
