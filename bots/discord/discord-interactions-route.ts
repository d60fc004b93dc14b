import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../core/ports/clock.js';
import type { BackgroundTasks } from './background-tasks.js';
import type { InteractionHandler } from './handle-interaction.js';
import { interactionSchema } from './read-interaction.js';
import { createInteractionVerifier } from './verify-interaction-signature.js';

export const discordInteractionsPath = '/v1/discord/interactions';

export interface InteractionsRouteOptions {
  /** DISCORD_PUBLIC_KEY, 64 hex characters. */
  publicKey: string;
  clock: Clock;
  handleInteraction: InteractionHandler;
  tasks: BackgroundTasks;
  logger: Logger;
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * `POST /v1/discord/interactions`: Discord's HTTP transport, for deployments without a
 * gateway connection. The signature covers the exact bytes sent, so this scope keeps the raw
 * body. Discord probes the endpoint with bad signatures and requires 401 for them.
 */
export function discordInteractionsRoute(options: InteractionsRouteOptions) {
  const verifyInteraction = createInteractionVerifier(options.publicKey);
  // The deferred answer must reach Discord before the follow-up edits it, so the work starts
  // in onResponse, once the response is sent.
  const followUps = new WeakMap<FastifyRequest, () => Promise<void>>();

  return async function mount(scope: FastifyInstance) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(
      discordInteractionsPath,
      {
        schema: {
          tags: ['discord'],
          summary: 'Receive a Discord interaction (slash command, button press, PING).',
          description:
            'Verifies the Ed25519 signature over X-Signature-Timestamp + raw body (401 when bad, missing or ' +
            'older than 5 minutes), answers PING with PONG and defers commands (type 5), then edits the reply.',
        },
        onResponse: async (request) => {
          const followUp = followUps.get(request);
          if (followUp) options.tasks.run(followUp);
        },
      },
      async (request, reply) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = (name: string) => {
          const value = request.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const check = verifyInteraction(
          rawBody,
          { signature: header('x-signature-ed25519'), timestamp: header('x-signature-timestamp') },
          options.clock.now(),
        );
        if (!check.valid) {
          return reply
            .code(401)
            .send(errorBody('discord_signature_invalid', `Invalid request signature: ${check.reason}`));
        }

        let payload: unknown;
        try {
          payload = JSON.parse(rawBody.toString('utf8'));
        } catch {
          return reply.code(400).send(errorBody('discord_interaction_invalid', 'The body is not JSON.'));
        }
        const parsed = interactionSchema.safeParse(payload);
        if (!parsed.success) {
          options.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unsupported discord interaction');
          return reply.code(400).send(errorBody('discord_interaction_invalid', 'Unsupported interaction.'));
        }
        const handled = options.handleInteraction(parsed.data);
        if (handled.followUp) followUps.set(request, handled.followUp);
        return reply.code(200).send(handled.callback);
      },
    );
  };
}
