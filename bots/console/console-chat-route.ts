import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { ErrorCode } from '../../core/error-codes.js';
import type { CommandRouter } from '../command-types.js';
import { createConsoleChat } from './console-chat.js';

export const consoleChatPath = '/v1/console/lines';

export const consoleLineSchema = z.object({
  /** Chosen by the terminal at start: each terminal keeps its own member, moderator mode and last buttons. */
  session: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  line: z.string().max(4000),
});

export interface ConsoleLineAnswer {
  /** The rendered reply; null when the line ended the chat (:quit). */
  reply: string | null;
  prompt: string;
}

const failure = (code: ErrorCode, message: string) => ({ error: { code, message } });

const adminKeyMatches = (header: string | undefined, adminKey: string): boolean => {
  if (!header?.startsWith('Bearer ')) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(header.slice(7).trim()), digest(adminKey));
};

/**
 * POST /v1/console/lines: one terminal line, run by the console chat of this process. It lets
 * `npm run chat` talk to the shop that already holds the embedded data directory instead of
 * opening it a second time. The terminal is trusted (it may act as a moderator), so the route
 * takes the admin key only, and main.ts mounts it only in embedded, non-production mode.
 */
export function consoleChatRoute(options: { router: CommandRouter; adminKey: string }) {
  const sessions = new LRUCache<string, ReturnType<typeof createConsoleChat>>({ max: 100, ttl: 6 * 3_600_000 });
  return async (scope: FastifyInstance) => {
    scope.post(
      consoleChatPath,
      {
        schema: { hide: true },
        onRequest: async (request, reply) => {
          if (!adminKeyMatches(request.headers.authorization, options.adminKey))
            return reply
              .code(401)
              .send(failure('unauthorized', 'Send the admin key as "Authorization: Bearer <key>".'));
        },
      },
      async (request, reply) => {
        const parsed = consoleLineSchema.safeParse(request.body);
        if (!parsed.success)
          return reply.code(400).send(failure('invalid_request', 'Send {"session": "<8-64 letters>", "line": "..."}.'));
        const { session, line } = parsed.data;
        let chat = sessions.get(session);
        if (!chat) {
          chat = createConsoleChat({ router: options.router });
          sessions.set(session, chat);
        }
        const answer = await chat.handleLine(line);
        if (answer === undefined) sessions.delete(session);
        return reply.send({ reply: answer ?? null, prompt: chat.prompt() } satisfies ConsoleLineAnswer);
      },
    );
  };
}
