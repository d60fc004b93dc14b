import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../../core/errors.js';
import { renderMessagePage } from '../../views/message-page.js';
import type { PageViewer } from '../../views/page-shell.js';

/** The header's sign-in state and a CSRF token for the page's forms (sets the CSRF cookie once). */
export function viewerOf(request: FastifyRequest, reply: FastifyReply): PageViewer {
  return {
    member: request.webMember ? { displayName: request.webMember.displayName } : null,
    csrfToken: reply.generateCsrf(),
  };
}

/** Personal pages are never cached by browsers or proxies. */
export function sendHtml(reply: FastifyReply, markup: string, status = 200) {
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(markup);
}

/**
 * A refusal from core (4xx) becomes a readable page with its stable code; anything else is
 * rethrown for the error handler (logged, 5xx envelope).
 */
export function sendRefusalPage(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  title = 'That did not work',
) {
  if (!isAppError(error) || error.status >= 500) throw error;
  return sendHtml(
    reply,
    renderMessagePage({ title, message: error.message, code: error.code, viewer: viewerOf(request, reply) }),
    error.status,
  );
}

/** Only our own paths may be a place to come back to after signing in (no open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  if (value.length > 512 || /[\r\n]/.test(value)) return undefined;
  return value;
}
