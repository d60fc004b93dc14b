import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginTargetSchema } from '../../../core/auth/login-links.js';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { edgeId } from '../../../core/validation/edge-text.js';
import { renderLoginConfirmPage, renderLoginTokensPage } from '../../views/login-page.js';
import { readLoginToken, sendUnusableLoginLink } from '../pages/login-link-token.js';
import { viewerOf } from '../pages/page-replies.js';

const tokenPairSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string(),
  refresh_expires_at: z.string(),
});

/** Passwordless sign-in: a one-time link by bot DM or email, then short-lived access tokens. */
export async function authRoutes(app: FastifyInstance, core: Core) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Send a one-time sign-in link to a chat account (by the bot, in a DM) or an email. Always 202: it never says whether the member exists.',
        body: loginTargetSchema,
        response: { 202: z.object({ status: z.literal('accepted') }) },
      },
    },
    async (request, reply) => {
      try {
        await core.auth.requestLogin(request.body);
      } catch (error) {
        if (isAppError(error) && error.code === 'rate_limited')
          reply.header('retry-after', String(error.context.retry_after_seconds ?? 60));
        throw error;
      }
      return reply.status(202).send({ status: 'accepted' });
    },
  );

  typed.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const token = readLoginToken(request);
    if (!token) return sendUnusableLoginLink(request, reply);
    const query = `login_token=${encodeURIComponent(token)}`;
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        renderLoginConfirmPage({
          browserAction: `/login/browser?${query}`,
          apiAction: `/login?${query}`,
          viewer: viewerOf(request, reply),
        }),
      );
  });

  typed.post('/login', { schema: { hide: true }, config: { csrf: true } }, async (request, reply) => {
    const token = readLoginToken(request);
    if (!token) return sendUnusableLoginLink(request, reply);
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    try {
      return reply.send(renderLoginTokensPage(await core.auth.exchangeLoginToken(token), viewerOf(request, reply)));
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      return sendUnusableLoginLink(request, reply, error);
    }
  });

  typed.post(
    '/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a sign-in link token (single use) for an access token and a refresh token.',
        body: z.object({ login_token: edgeId(256) }),
        response: { 200: tokenPairSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return core.auth.exchangeLoginToken(request.body.login_token);
    },
  );

  typed.post(
    '/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Rotate a refresh token: a new pair, the old refresh token spent. Reusing a spent one revokes the whole sign-in.',
        body: z.object({ refresh_token: edgeId(256) }),
        response: { 200: tokenPairSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return core.auth.refresh(request.body.refresh_token);
    },
  );
}
