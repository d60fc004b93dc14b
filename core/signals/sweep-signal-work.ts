import { and, asc, eq, lt, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signalDeliveries, signals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { deliverSignalJob, planJobId, planSignalFanoutJob } from './signal-jobs.js';

/** A queued delivery this long past due has lost its job (its own job normally runs at due time). */
const deliveryGraceMs = 30_000;
/** A fan-out quiet this long has lost its planner (a batch takes well under a second). */
const plannerGraceMs = 60_000;

/**
 * The safety net under the signal queue: re-enqueues due deliveries whose job was lost and
 * fan-outs whose planner died. Job ids carry the sweep time, because the lost job's id may
 * still be held by a queue that will never run it; a second job is harmless, the claim decides.
 * Deliveries left in `sending` are never picked up (see deliver-signal.ts).
 */
export function createSignalSweeper(deps: { db: Database; queue: Queue; clock: Clock }) {
  return async function sweepSignalWork(limit = 1000): Promise<{ deliveries: number; fanouts: number }> {
    const now = deps.clock.now();
    const due = await deps.db
      .select({ id: signalDeliveries.id })
      .from(signalDeliveries)
      .where(
        and(
          eq(signalDeliveries.status, 'queued'),
          lte(signalDeliveries.dueAt, new Date(now.getTime() - deliveryGraceMs)),
        ),
      )
      .orderBy(asc(signalDeliveries.dueAt))
      .limit(limit);
    for (const row of due)
      await deps.queue.enqueue(deliverSignalJob, { deliveryId: row.id }, { jobId: `${row.id}-sweep-${now.getTime()}` });
    const stalled = await deps.db
      .select({ id: signals.id })
      .from(signals)
      .where(
        and(
          eq(signals.fanoutStatus, 'planning'),
          lt(signals.fanoutUpdatedAt, new Date(now.getTime() - plannerGraceMs)),
        ),
      )
      .limit(100);
    for (const row of stalled)
      await deps.queue.enqueue(
        planSignalFanoutJob,
        { signalId: row.id },
        { jobId: `${planJobId(row.id)}-sweep-${now.getTime()}` },
      );
    return { deliveries: due.length, fanouts: stalled.length };
  };
}
