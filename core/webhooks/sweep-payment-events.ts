import { and, eq, lt, lte, or } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { paymentEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { paymentEventJobId, processPaymentEventJob } from './ingest-webhook.js';

/** Pending rows younger than this still have their first job on the way. */
const pendingGraceMs = 10_000;

/**
 * The safety net under the queue: finds events that are stored but not done — never
 * enqueued, job lost, retry due, or claimed by a worker that died — and enqueues them.
 */
export function createPaymentEventSweeper(deps: { db: Database; queue: Queue; clock: Clock }) {
  return async function sweepPaymentEvents(limit = 500): Promise<number> {
    const now = deps.clock.now();
    const due = await deps.db
      .select({ id: paymentEvents.id, attempts: paymentEvents.attempts, status: paymentEvents.status })
      .from(paymentEvents)
      .where(
        or(
          and(
            eq(paymentEvents.status, 'pending'),
            lt(paymentEvents.receivedAt, new Date(now.getTime() - pendingGraceMs)),
          ),
          and(eq(paymentEvents.status, 'failed'), lte(paymentEvents.nextAttemptAt, now)),
          and(eq(paymentEvents.status, 'processing'), lt(paymentEvents.lockedUntil, now)),
        ),
      )
      .limit(limit);
    for (const row of due)
      await deps.queue.enqueue(
        processPaymentEventJob,
        { eventId: row.id },
        {
          // A pending event's first job may still be waiting behind a backlog: reuse its id so
          // sweeps do not pile copies on it. A due retry or a dead worker's event runs now.
          jobId:
            row.status === 'pending'
              ? paymentEventJobId(row.id, row.attempts)
              : `${paymentEventJobId(row.id, row.attempts)}-sweep-${now.getTime()}`,
        },
      );
    return due.length;
  };
}
