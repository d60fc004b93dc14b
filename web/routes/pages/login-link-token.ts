import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { edgeId } from '../../../core/validation/edge-text.js';
import { renderMessagePage } from '../../views/message-page.js';
import { sendHtml, viewerOf } from './page-replies.js';

const loginQuery = z.object({ login_token: edgeId(256) });

/**
 * The token of a sign-in link, read in the handler rather than by a route schema: a browser
 * that opens a cut-off or mangled link gets a page, not the API's JSON validation error.
 */
export function readLoginToken(request: FastifyRequest): string | undefined {
  const parsed = loginQuery.safeParse(request.query ?? {});
  return parsed.success ? parsed.data.login_token : undefined;
}

/** The page for a sign-in link that cannot be used, with the way to a new one. */
export function sendUnusableLoginLink(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: { message: string; code: string; status: number } = {
    message: 'This link is incomplete or damaged.',
    code: 'login_token_invalid',
    status: 400,
  },
) {
  return sendHtml(
    reply,
    renderMessagePage({
      title: 'This sign-in link does not work',
      message: `${refusal.message} Ask the bot (/login) or the sign-in page (/sign-in) for a new link.`,
      code: refusal.code,
      viewer: viewerOf(request, reply),
    }),
    refusal.status,
  );
}
