import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';

/**
 * POST /v1/webhooks/:provider. The body is kept as the exact bytes the provider signed:
 * this scope has its own parser, so nothing re-serializes it before verification.
 */
export async function providerWebhookRoutes(app: FastifyInstance, core: Core) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/webhooks/:provider',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Receive a provider webhook (Stripe, sandbox: signed; BitPay: unsigned, only a trigger to fetch).',
        description:
          'Verifies the signature over the raw body, stores the event once and answers 200. ' +
          'Bad or missing signature: 400. Not stored: 503, so the provider retries.',
        params: z.object({ provider: z.enum(['stripe', 'sandbox', 'mock', 'btcpay', 'bitpay']) }),
        response: {
          200: z.object({ received: z.literal(true), duplicate: z.boolean(), event_id: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const provider = request.params.provider === 'mock' ? 'sandbox' : request.params.provider;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await core.ingestWebhook(provider, body, request.headers);
      return { received: true as const, duplicate: result.duplicate, event_id: result.eventId };
    },
  );
}
