import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { adminPaths, csrfAlways, hiddenFromDocs, requireAdminPage } from '../../admin-web-session.js';
import { renderTrackRecordPage, type SignalFormValues } from '../../views/admin/track-record-page.js';
import { sendHtml } from './page-replies.js';

const trackRecordSize = 25;

/** Whatever was posted, as text to show again; the checks themselves are core's (parseSignalInput). */
const text = (maxLength: number) =>
  z
    .string()
    .catch('')
    .transform((value) => value.slice(0, maxLength));
const signalForm = z.object({
  instrument: text(40),
  side: text(10),
  entry: text(40),
  stop: text(40),
  targets: text(400),
  note: text(500),
  idempotency_key: text(200),
});

const emptyForm = (): SignalFormValues => ({
  instrument: '',
  side: 'long',
  entry: '',
  stop: '',
  targets: '',
  note: '',
  idempotency_key: `web:${randomUUID()}`,
});

/**
 * The publish form and the track record. Publishing is `core.signals.publish`, as `/admin
 * signal` and POST /v1/signals: the same validation and codes, and the form's key publishes
 * once however often it is sent.
 */
export async function adminSignalPageRoutes(app: FastifyInstance, core: Core) {
  const guard = requireAdminPage(core);
  const actorOf = (request: FastifyRequest) => request.adminSession!.actor;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { form: SignalFormValues; error?: { message: string; code: string }; published?: number },
    status = 200,
  ) {
    const [chain, latest] = await Promise.all([core.signals.verifyChain(), core.signals.latest(null, trackRecordSize)]);
    const recent = await Promise.all(
      latest.map(async (signal) => ({ signal, deliveries: await core.signals.deliveryCounts(signal.id) })),
    );
    return sendHtml(
      reply,
      renderTrackRecordPage({ ...state, chain, recent, actor: actorOf(request), csrfToken: reply.generateCsrf() }),
      status,
    );
  }

  app.get(adminPaths.signals, { schema: hiddenFromDocs, preHandler: guard }, async (request, reply) => {
    const { published } = z
      .object({ published: z.coerce.number().int().min(1).optional().catch(undefined) })
      .parse(request.query ?? {});
    return page(request, reply, { form: emptyForm(), ...(published ? { published } : {}) });
  });

  app.post(
    adminPaths.signals,
    { schema: hiddenFromDocs, preHandler: guard, config: csrfAlways },
    async (request, reply) => {
      const form = signalForm.parse(request.body ?? {});
      if (!form.idempotency_key) form.idempotency_key = emptyForm().idempotency_key;
      try {
        const { signal } = await core.signals.publish(
          {
            instrument: form.instrument,
            side: form.side.trim().toLowerCase(),
            entry: form.entry,
            stop: form.stop,
            targets: form.targets
              .split(',')
              .map((target) => target.trim())
              .filter(Boolean),
            note: form.note.trim() || null,
            idempotency_key: form.idempotency_key,
          },
          actorOf(request),
        );
        return reply.redirect(`${adminPaths.signals}?published=${signal.sequence}`, 303);
      } catch (error) {
        if (!isAppError(error) || error.status >= 500) throw error;
        return page(request, reply, { form, error: { message: error.message, code: error.code } }, error.status);
      }
    },
  );
}
