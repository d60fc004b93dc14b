import { exists, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { webhookEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { recentSignalsNotHandled } from '../signals/recent-signals.js';

/** Younger signals still have their fan-out job on the way. */
const graceMs = 30_000;
/** Older ones are history: a member's endpoint gets live signals, not a backfill. */
const lookbackMs = 3_600_000;

/**
 * Signals whose webhook fan-out never ran (the process died between the publish and the
 * job, or the job was lost). Every fan-out stores its event, targets or not, so a signal
 * without one is exactly a missed fan-out.
 */
export function findMissedSignals(db: Database, clock: Clock, limit = 100): Promise<PublishedSignal[]> {
  return recentSignalsNotHandled(db, clock, { lookbackMs, graceMs, limit }, (signalId) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(webhookEvents)
        .where(sql`${webhookEvents.sourceKey} = 'signal.published:' || ${signalId}::text`),
    ),
  );
}
