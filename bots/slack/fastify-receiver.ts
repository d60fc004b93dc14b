import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../core/ports/clock.js';
import { verifySlackSignature } from './verify-slack-signature.js';

export const slackRoutePaths = {
  events: '/v1/slack/events',
  commands: '/v1/slack/commands',
  actions: '/v1/slack/actions',
} as const;

export interface FastifyReceiverOptions {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  /**
   * Answer Slack this long after a request arrived even if no listener acked: Slack waits 3 s,
   * then shows the member an error (commands) or retries (events).
   */
  ackTimeoutMs?: number;
}

export interface FastifyReceiver extends Receiver {
  /** Registers the three Slack endpoints in their own scope (raw-body parser, no JSON parsing). */
  mount(scope: FastifyInstance): Promise<void>;
}

const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

// Bolt reads the rest of the payload itself; the edge only checks it is the object Slack sends.
const slackBodySchema = z.looseObject({ type: z.string().optional(), command: z.string().optional() });

/** Events arrive as JSON, slash commands as a form, interactivity as a form whose `payload` is JSON. */
function parseSlackBody(rawBody: string, contentType: string): unknown {
  if (contentType.includes('application/json')) return JSON.parse(rawBody);
  const form = new URLSearchParams(rawBody);
  const payload = form.get('payload');
  return payload === null ? Object.fromEntries(form) : JSON.parse(payload);
}

type Answer = { status: number; body: unknown };

/**
 * A Bolt receiver living on our Fastify server instead of Bolt's own HTTP server: the route
 * verifies Slack's signature over the raw bytes, answers url_verification and SSL checks,
 * and hands everything else to `app.processEvent` with an ack that becomes the HTTP response.
 */
export function createFastifyReceiver(options: FastifyReceiverOptions): FastifyReceiver {
  const ackTimeoutMs = options.ackTimeoutMs ?? 2500;
  const logger = options.logger;
  let app: App | undefined;

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const raw = request.body;
    const rawBody = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
    const signature = verifySlackSignature({
      signingSecret: options.signingSecret,
      rawBody,
      signature: headerValue(request, 'x-slack-signature'),
      timestamp: headerValue(request, 'x-slack-request-timestamp'),
      clock: options.clock,
    });
    if (!signature.valid) {
      logger.warn({ url: request.url, reason: signature.reason }, 'slack request refused: bad signature');
      return reply
        .code(401)
        .send({ error: { code: 'slack_signature_invalid', message: 'Slack signature verification failed' } });
    }
    let body: z.infer<typeof slackBodySchema>;
    try {
      body = slackBodySchema.parse(parseSlackBody(rawBody, headerValue(request, 'content-type') ?? ''));
    } catch {
      return reply.code(400).send({ error: { code: 'slack_payload_invalid', message: 'Unreadable Slack payload' } });
    }
    if (body.ssl_check === '1') return reply.code(200).send('');
    if (body.type === 'url_verification') return reply.code(200).send({ challenge: body.challenge });
    if (!app) return reply.code(503).send({ error: { code: 'slack_not_ready', message: 'Slack app not started' } });

    const retryNumber = Number.parseInt(headerValue(request, 'x-slack-retry-num') ?? '', 10);
    const retryReason = headerValue(request, 'x-slack-retry-reason');
    const answer = await new Promise<Answer>((resolve) => {
      let answered = false;
      const settle = (result: Answer) => {
        if (answered) return false;
        answered = true;
        clearTimeout(timer);
        resolve(result);
        return true;
      };
      const timer = setTimeout(() => {
        if (settle({ status: 200, body: '' }))
          logger.warn({ type: body.type, command: body.command }, 'slack request not acked in time; answered empty');
      }, ackTimeoutMs);
      const event: ReceiverEvent = {
        body,
        ...(Number.isNaN(retryNumber) ? {} : { retryNum: retryNumber }),
        ...(retryReason ? { retryReason } : {}),
        ack: async (response?: unknown) => {
          // A late ack (after the safety net answered) is dropped rather than thrown, so the
          // listener still reaches its respond() follow-up.
          if (!settle({ status: 200, body: response ?? '' }))
            logger.warn({ type: body.type }, 'slack ack arrived after the request was answered');
        },
      };
      app!.processEvent(event).catch((error: unknown) => {
        logger.error({ err: error, type: body.type, command: body.command }, 'slack event processing failed');
        // Not acked yet: a 500 makes Slack retry the event (commands show the member an error).
        settle({ status: 500, body: '' });
      });
    });
    if (typeof answer.body === 'string') return reply.code(answer.status).type('text/plain').send(answer.body);
    return reply.code(answer.status).send(answer.body);
  }

  return {
    init(boltApp: App) {
      app = boltApp;
    },
    // Fastify owns the listening socket: nothing to start or stop here.
    start: async () => undefined,
    stop: async () => undefined,
    async mount(scope: FastifyInstance) {
      // A scope of its own: the raw-body parser must not replace the JSON parser elsewhere.
      await scope.register(async (slack) => {
        slack.removeAllContentTypeParsers();
        slack.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        for (const path of Object.values(slackRoutePaths)) slack.post(path, handle);
      });
    },
  };
}
