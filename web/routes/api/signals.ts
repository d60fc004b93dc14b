import fastJsonStringify from 'fast-json-stringify';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AppError, badRequest } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { type PublishedSignal, signalView, signalViewSchema } from '../../../core/signals/published-signal.js';
import { edgeId, edgeText } from '../../../core/validation/edge-text.js';
import type { Caller, CallerAuth } from '../../caller-auth.js';

const publishScope = 'signals:publish';

/** The shape only; prices and levels are checked in core, which answers with its own codes. */
const publishBodySchema = z.object({
  instrument: edgeText().describe('Symbol, e.g. BTCUSDT'),
  side: z.enum(['long', 'short']),
  entry: edgeText().describe('Positive decimal string, e.g. "64250.5"'),
  stop: edgeText().describe('Below entry for a long, above for a short'),
  targets: z.array(edgeText()).describe('Above entry for a long, below for a short'),
  note: edgeText().nullish(),
  idempotency_key: edgeText().optional().describe('Or the Idempotency-Key header: one key publishes once'),
});

const publisherOf = (caller: Caller) => {
  if (caller.kind === 'admin') return 'admin_key';
  if (!caller.scopes.includes(publishScope))
    throw new AppError('forbidden', `Publishing signals takes the admin key or a key with the ${publishScope} scope.`, {
      status: 403,
    });
  return caller.apiKeyId ? `api_key:${caller.apiKeyId}` : `user:${caller.userId}`;
};

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const feedSchema = z.object({
  signals: z.array(signalViewSchema),
  next_since: z.number().int().nullable(),
  window_start: z.string().nullable(),
  history_clamped: z.boolean(),
});

/**
 * The feed is read far more often than anything else here, mostly from each process's copy of
 * the recent signals, and callers of one tier ask for the same pages. The bytes of a page's
 * signals (fast-json-stringify, compiled from the schema the docs show) are kept in a bounded
 * cache, so a read copies two buffers and serializes only its cursor fields. A signal never
 * changes once published (the chain of hashes proves it), so the signals a page holds name its
 * bytes. Bytes, not strings: the serializer's strings are ropes of many pieces, which every join
 * would walk again.
 */
const serializeView = fastJsonStringify(z.toJSONSchema(signalViewSchema) as Parameters<typeof fastJsonStringify>[0]);
const pageBytes = new LRUCache<string, Buffer>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (bytes) => bytes.length });
const emptySignals = Buffer.from('{"signals":[');

/** `{"signals":[…` for the signals of one page, in sequence order. */
function signalsBytes(signals: PublishedSignal[]): Buffer {
  const first = signals[0];
  if (first === undefined) return emptySignals;
  const last = signals.at(-1)!;
  // The last signal's hash covers the whole chain before it (whichever database it came from);
  // a run without gaps is then named by where it starts, one with gaps by every sequence in it.
  const key =
    last.sequence - first.sequence + 1 === signals.length
      ? `${first.sequence}-${last.hash}`
      : `${signals.map((signal) => signal.sequence).join(',')}-${last.hash}`;
  let bytes = pageBytes.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(`{"signals":[${signals.map((signal) => serializeView(signalView(signal))).join(',')}`);
    pageBytes.set(key, bytes);
  }
  return bytes;
}

const feedBody = (page: {
  signals: PublishedSignal[];
  nextSince: number | null;
  windowStart: Date | null;
  historyClamped: boolean;
}): Buffer =>
  Buffer.concat([
    signalsBytes(page.signals),
    Buffer.from(
      `],"next_since":${JSON.stringify(page.nextSince)},"window_start":${JSON.stringify(page.windowStart?.toISOString() ?? null)},"history_clamped":${page.historyClamped}}`,
    ),
  ]);

/**
 * Signals over HTTP: publish (admin or a publisher key), the feed a caller's tier may see, the
 * chain check, and (admin) the tier channels signals are posted to.
 */
export async function signalRoutes(
  app: FastifyInstance,
  core: Core,
  callerAuth: CallerAuth,
  requireAdmin: preHandlerAsyncHookHandler,
) {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/v1/signals',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags: ['signals'],
        summary: 'Publish a signal (admin key or a key with the signals:publish scope).',
        description:
          'Stored once per idempotency key and hash-chained to the previous signal, then fanned out by tier. Codes: idempotency_key_required, invalid_signal, signal_stop_wrong_side, signal_target_wrong_side, signal_idempotency_conflict (409), forbidden (403).',
        security: [{ bearer: [] }],
        headers: z.object({ 'idempotency-key': edgeText().optional() }),
        body: publishBodySchema,
        response: {
          200: signalViewSchema,
          201: signalViewSchema,
          400: errorSchema,
          403: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const publishedBy = publisherOf(request.caller);
      const idempotencyKey = request.headers['idempotency-key'] ?? request.body.idempotency_key;
      // Required: a publisher's retry after a lost answer must never send a signal twice.
      if (!idempotencyKey?.trim())
        throw badRequest(
          'idempotency_key_required',
          'Send an Idempotency-Key header (or idempotency_key): one key publishes one signal, however often it is retried.',
        );
      const outcome = await core.signals.publish({ ...request.body, idempotency_key: idempotencyKey }, publishedBy);
      return reply.status(outcome.created ? 201 : 200).send(signalView(outcome.signal));
    },
  );

  typed.get(
    '/v1/signals',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags: ['signals'],
        summary: 'The signals your tier may see now, oldest first, after the `since` sequence.',
        description:
          'The tier’s delay applies (Free sees a signal 15 minutes after publication). Without the historical_backfill feature the window is the last 7 days: an older cursor is clamped to it and history_clamped says so.',
        security: [{ bearer: [] }],
        querystring: z.object({
          since: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: feedSchema },
      },
    },
    async (request, reply) => {
      const { caller } = request;
      const page = await core.signals.page(caller.kind === 'admin' ? null : caller.entitlements, request.query);
      // Bytes are sent as they are: the body is already JSON in the documented shape.
      return reply.type('application/json; charset=utf-8').send(feedBody(page) as never);
    },
  );

  typed.get(
    '/v1/signals/verify',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags: ['signals'],
        summary: 'Recompute the whole hash chain: ok, or the first sequence that does not follow.',
        security: [{ bearer: [] }],
        response: {
          200: z.object({
            ok: z.boolean(),
            count: z.number().int(),
            head: z.string().optional(),
            broken_at: z.number().int().optional(),
            reason: z.string().optional(),
          }),
        },
      },
    },
    async () => {
      const report = await core.signals.verifyChain();
      return report.ok
        ? { ok: true, count: report.count, head: report.head }
        : { ok: false, count: report.count, broken_at: report.brokenAt, reason: report.reason };
    },
  );

  const channelSchema = z.object({ plan_id: z.string(), platform: z.string(), channel_id: z.string() });
  const channelParams = z.object({ plan_id: edgeId(40), platform: edgeId(32) });

  typed.get(
    '/admin/signal-channels',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['signals'],
        summary: 'The channel each tier’s signals are posted to, per platform.',
        security: [{ adminKey: [] }],
        response: { 200: z.object({ channels: z.array(channelSchema) }) },
      },
    },
    async () => ({
      channels: (await core.signals.channels.list()).map((row) => ({
        plan_id: row.planId,
        platform: row.platform,
        channel_id: row.channelId,
      })),
    }),
  );

  typed.put(
    '/admin/signal-channels/:plan_id/:platform',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['signals'],
        summary: 'Post this tier’s signals to a channel on a platform (replaces the previous one).',
        security: [{ adminKey: [] }],
        params: channelParams,
        body: z.object({ channel_id: edgeId(128) }),
        response: { 200: channelSchema },
      },
    },
    async (request) => {
      await core.catalog.getPlan(request.params.plan_id);
      await core.signals.channels.set({
        planId: request.params.plan_id,
        platform: request.params.platform,
        channelId: request.body.channel_id,
      });
      return { ...request.params, channel_id: request.body.channel_id.trim() };
    },
  );

  typed.delete(
    '/admin/signal-channels/:plan_id/:platform',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['signals'],
        summary: 'Stop posting this tier’s signals on that platform.',
        security: [{ adminKey: [] }],
        params: channelParams,
        response: { 200: z.object({ removed: z.boolean() }) },
      },
    },
    async (request) => ({
      removed: await core.signals.channels.remove(request.params.plan_id, request.params.platform),
    }),
  );
}
