import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { z } from 'zod';

export const telegramWebhookPath = '/v1/telegram/webhook';
export const secretTokenHeader = 'x-telegram-bot-api-secret-token';

export interface TelegramWebhookRouteOptions {
  /** TELEGRAM_WEBHOOK_SECRET, given to setWebhook as secret_token. */
  secret: string;
  handleUpdate(update: Update): Promise<void>;
  logger: Logger;
}

// Telegram adds fields over time: only what we route on is checked, the rest passes through.
const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * Constant time whatever the header holds: both sides are hashed to 32 bytes first, so
 * neither the content nor the length of the secret leaks through timing.
 */
export function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

const failure = (code: string, message: string) => ({ error: { code, message } });

/**
 * POST /v1/telegram/webhook (webhook mode). Telegram signs nothing: the secret token header,
 * set with setWebhook, is the only proof a request comes from Telegram, so it is checked before
 * the body is even read. A handled update answers 200 whatever the handlers did (they log
 * their own failures); anything else would make Telegram redeliver it, and every update
 * behind it, forever.
 */
export function telegramWebhookRoute(options: TelegramWebhookRouteOptions) {
  return async (scope: FastifyInstance) => {
    scope.post(
      telegramWebhookPath,
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Receive a Telegram update (webhook mode).',
          description: 'Requires the X-Telegram-Bot-Api-Secret-Token header set with setWebhook; 401 otherwise.',
        },
        onRequest: async (request, reply) => {
          if (!secretMatches(request.headers[secretTokenHeader], options.secret))
            return reply
              .code(401)
              .send(failure('telegram_secret_invalid', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token.'));
        },
      },
      async (request, reply) => {
        const parsed = updateSchema.safeParse(request.body);
        if (!parsed.success)
          return reply.code(400).send(failure('invalid_update', 'The body is not a Telegram update.'));
        try {
          await options.handleUpdate(parsed.data as unknown as Update);
        } catch (error) {
          options.logger.error({ err: error, update: parsed.data.update_id }, 'telegram webhook update failed');
        }
        return reply.code(200).send({ ok: true });
      },
    );
  };
}
