import { and, gte, lt, notExists, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signals, webhookEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { toPublishedSignal } from '../signals/signal-rows.js';

/** Younger signals still have their fan-out job on the way. */
const graceMs = 30_000;
/** Older ones are history: a member's endpoint gets live signals, not a backfill. */
const lookbackMs = 3_600_000;

/**
 * Signals whose webhook fan-out never ran (the process died between the publish and the
 * job, or the job was lost). Every fan-out stores its event, targets or not, so a signal
 * without one is exactly a missed fan-out.
 */
export async function findMissedSignals(db: Database, clock: Clock, limit = 100): Promise<PublishedSignal[]> {
  const now = clock.now().getTime();
  const rows = await db
    .select()
    .from(signals)
    .where(
      and(
        gte(signals.publishedAt, new Date(now - lookbackMs)),
        lt(signals.publishedAt, new Date(now - graceMs)),
        notExists(
          db
            .select({ one: sql`1` })
            .from(webhookEvents)
            .where(sql`${webhookEvents.sourceKey} = 'signal.published:' || ${signals.id}::text`),
        ),
      ),
    )
    .limit(limit);
  return rows.map(toPublishedSignal);
}
