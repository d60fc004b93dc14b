import { and, asc, gte, lt, not, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from './published-signal.js';
import { toPublishedSignal } from './signal-rows.js';

/**
 * For the sweeps of onPublished listeners, whose jobs are only nudges: signals published
 * between `lookbackMs` and `graceMs` ago (younger ones still have their job on the way) that
 * the listener has not handled, oldest first. `handled` is the listener's own record of a
 * signal, given the signal's id column (an EXISTS over its table).
 */
export async function recentSignalsNotHandled(
  db: Database,
  clock: Clock,
  window: { lookbackMs: number; graceMs: number; limit?: number },
  handled: (signalId: typeof signals.id) => SQL,
): Promise<PublishedSignal[]> {
  const now = clock.now().getTime();
  const rows = await db
    .select()
    .from(signals)
    .where(
      and(
        gte(signals.publishedAt, new Date(now - window.lookbackMs)),
        lt(signals.publishedAt, new Date(now - window.graceMs)),
        not(handled(signals.id)),
      ),
    )
    .orderBy(asc(signals.sequence))
    .limit(window.limit ?? 100);
  return rows.map(toPublishedSignal);
}
