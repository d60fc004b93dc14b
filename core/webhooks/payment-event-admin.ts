import { and, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { paymentEvents } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { conflict, notFound } from '../errors.js';
import type { Queue } from '../ports/queue.js';
import { paymentEventJobId, processPaymentEventJob } from './ingest-webhook.js';

export const paymentEventStatuses = ['pending', 'processing', 'processed', 'ignored', 'failed', 'dead'] as const;
export type PaymentEventStatus = (typeof paymentEventStatuses)[number];

export interface PaymentEventSummary {
  id: string;
  provider: string;
  provider_event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_error: string | null;
  received_at: string;
  processed_at: string | null;
  next_attempt_at: string | null;
}

const summarize = (row: typeof paymentEvents.$inferSelect): PaymentEventSummary => ({
  id: row.id,
  provider: row.provider,
  provider_event_id: row.providerEventId,
  event_type: row.eventType,
  status: row.status,
  attempts: row.attempts,
  last_error: row.lastError,
  received_at: row.receivedAt.toISOString(),
  processed_at: row.processedAt?.toISOString() ?? null,
  next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
});

/** What moderators need to see and fix the inbox: dead letters, and replay of any event. */
export function createPaymentEventAdmin(deps: { db: Database; queue: Queue }) {
  return {
    async list(options: { status?: PaymentEventStatus; limit: number; before?: Date }) {
      const conditions = [
        options.status ? eq(paymentEvents.status, options.status) : undefined,
        options.before ? lt(paymentEvents.receivedAt, options.before) : undefined,
      ].filter((condition) => condition !== undefined);
      const rows = await deps.db
        .select()
        .from(paymentEvents)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(paymentEvents.receivedAt))
        .limit(options.limit);
      return rows.map(summarize);
    },

    async countByStatus(statuses: PaymentEventStatus[]): Promise<Record<string, number>> {
      const rows = await deps.db
        .select({ status: paymentEvents.status, count: sql<string>`count(*)` })
        .from(paymentEvents)
        .where(inArray(paymentEvents.status, statuses))
        .groupBy(paymentEvents.status);
      const counts: Record<string, number> = Object.fromEntries(statuses.map((status) => [status, 0]));
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    async get(id: string) {
      const [row] = await deps.db.select().from(paymentEvents).where(eq(paymentEvents.id, id));
      if (!row) throw notFound('webhook_event_not_found', `No stored webhook event with id "${id}".`);
      return { ...summarize(row), payload: row.payload };
    },

    /**
     * Puts an event back in line, whatever happened to it before. Safe for processed events
     * too: every effect is keyed, so a replay only fills in what is missing.
     */
    async replay(id: string, actor: string) {
      const replayed = await deps.db.transaction(async (transaction) => {
        const [row] = await transaction
          .update(paymentEvents)
          .set({ status: 'pending', attempts: 0, nextAttemptAt: null, lockedUntil: null, lastError: null })
          .where(and(eq(paymentEvents.id, id), ne(paymentEvents.status, 'processing')))
          .returning();
        if (!row) {
          const [existing] = await transaction.select().from(paymentEvents).where(eq(paymentEvents.id, id));
          if (!existing) throw notFound('webhook_event_not_found', `No stored webhook event with id "${id}".`);
          throw conflict('webhook_event_processing', 'The event is being processed right now; try again shortly.');
        }
        await recordAudit(transaction, {
          actor,
          action: 'webhook_event.replayed',
          subjectType: 'payment_event',
          subjectId: id,
          details: { event_type: row.eventType, provider_event_id: row.providerEventId },
        });
        return row;
      });
      await deps.queue.enqueue(processPaymentEventJob, { eventId: id }, { jobId: paymentEventJobId(id, 0) });
      return summarize(replayed);
    },
  };
}
