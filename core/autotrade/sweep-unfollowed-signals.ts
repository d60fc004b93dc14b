import { eq, exists, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { autotradeFollowedSignals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { recentSignalsNotHandled } from '../signals/recent-signals.js';

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
  const unfollowed = await recentSignalsNotHandled(
    deps.db,
    deps.clock,
    { lookbackMs: deps.orderTtlMs, graceMs: deps.graceMs },
    (signalId) =>
      exists(
        deps.db
          .select({ one: sql`1` })
          .from(autotradeFollowedSignals)
          .where(eq(autotradeFollowedSignals.signalId, sql`${signalId}::text`)),
      ),
  );
  for (const signal of unfollowed) await deps.follow(signal);
  return unfollowed.length;
}
