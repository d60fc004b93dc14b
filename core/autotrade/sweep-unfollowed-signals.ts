import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { autotradeFollowedSignals, signals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { toPublishedSignal } from '../signals/signal-rows.js';

/**
 * The follow job is only a nudge: signals published within the order lifetime that were never
 * marked followed (the job was lost to a crash or a Redis flush) are handed back to `follow`.
 * A signal younger than `graceMs` is left to the job that is probably still running.
 */
export async function sweepUnfollowedSignals(deps: {
  db: Database;
  clock: Clock;
  orderTtlMs: number;
  graceMs: number;
  follow: (signal: PublishedSignal) => Promise<void>;
}): Promise<number> {
  const now = deps.clock.now().getTime();
  const rows = await deps.db
    .select({ signal: signals })
    .from(signals)
    .leftJoin(autotradeFollowedSignals, eq(autotradeFollowedSignals.signalId, sql`${signals.id}::text`))
    .where(
      and(
        isNull(autotradeFollowedSignals.signalId),
        gt(signals.publishedAt, new Date(now - deps.orderTtlMs)),
        lte(signals.publishedAt, new Date(now - deps.graceMs)),
      ),
    )
    .orderBy(asc(signals.sequence))
    .limit(100);
  for (const row of rows) await deps.follow(toPublishedSignal(row.signal));
  return rows.length;
}
