import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { quotaUsage } from '../../db/schema/index.js';
import { badRequest } from '../errors.js';
import type { Clock } from '../ports/clock.js';

export interface QuotaReservation {
  userId: string;
  /** e.g. `signals_per_day`. */
  quota: string;
  amount: number;
  /** The member's limit for today, from their entitlements. */
  limit: number;
}

/** `YYYY-MM-DD` of the UTC day: members are everywhere, so the server's zone means nothing. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

const assertWholeAmount = (reservation: QuotaReservation) => {
  if (!Number.isInteger(reservation.amount) || reservation.amount < 1)
    throw badRequest('quota_amount_invalid', 'A reservation takes a whole number of at least 1.');
};

const counterKey = (reservation: Pick<QuotaReservation, 'userId' | 'quota'>) =>
  `${reservation.userId}\u0000${reservation.quota}`;

/**
 * Splits reservations into rounds in which each counter appears once: one upsert may not touch
 * the same row twice, so a member's second reservation in a batch waits for the next round.
 */
function roundsOf(reservations: Array<{ index: number; reservation: QuotaReservation }>) {
  const rounds: Array<typeof reservations> = [];
  const seen = new Map<string, number>();
  for (const entry of reservations) {
    const key = counterKey(entry.reservation);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    if (rounds[round]) rounds[round].push(entry);
    else rounds[round] = [entry];
  }
  return rounds;
}

/**
 * Daily quota counters. A reservation checks and counts in one statement, so any number of
 * concurrent callers together never pass the limit (DESIGN.md: never read then write).
 */
export function createQuotaCounters(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async reserve(input: QuotaReservation): Promise<{ granted: boolean; used: number }> {
      assertWholeAmount(input);
      const day = utcDay(clock.now());
      // Over the limit on its own: nothing to count. Otherwise the first reservation of the
      // day inserts, and later ones add only while the sum stays within the limit.
      if (input.amount <= input.limit) {
        const [reserved] = await db
          .insert(quotaUsage)
          .values({ userId: input.userId, quota: input.quota, day, used: input.amount })
          .onConflictDoUpdate({
            target: [quotaUsage.userId, quotaUsage.quota, quotaUsage.day],
            set: { used: sql`${quotaUsage.used} + ${input.amount}` },
            setWhere: sql`${quotaUsage.used} + ${input.amount} <= ${input.limit}`,
          })
          .returning({ used: quotaUsage.used });
        if (reserved) return { granted: true, used: reserved.used };
      }
      const [current] = await db
        .select({ used: quotaUsage.used })
        .from(quotaUsage)
        .where(and(eq(quotaUsage.userId, input.userId), eq(quotaUsage.quota, input.quota), eq(quotaUsage.day, day)));
      return { granted: false, used: current?.used ?? 0 };
    },

    /**
     * Many reservations in as few statements as there are repeats of one counter: each row is
     * still checked and counted in one step against its own limit, exactly as `reserve` does,
     * so concurrent callers together never pass a limit. For senders that reserve thousands a
     * second (signal fan-out).
     */
    async reserveMany(reservations: QuotaReservation[]): Promise<Array<{ granted: boolean }>> {
      for (const reservation of reservations) assertWholeAmount(reservation);
      const day = utcDay(clock.now());
      const granted = reservations.map(() => false);
      const possible = reservations
        .map((reservation, index) => ({ index, reservation }))
        .filter(({ reservation }) => reservation.amount <= reservation.limit);
      for (const round of roundsOf(possible)) {
        // Each counter's own limit, picked by the conflicting row's key.
        const limits: SQL[] = round.map(
          ({ reservation }) =>
            sql`when excluded.user_id = ${reservation.userId}::uuid and excluded.quota = ${reservation.quota} then ${reservation.limit}::integer`,
        );
        const counted = await db
          .insert(quotaUsage)
          .values(
            round.map(({ reservation }) => ({
              userId: reservation.userId,
              quota: reservation.quota,
              day,
              used: reservation.amount,
            })),
          )
          .onConflictDoUpdate({
            target: [quotaUsage.userId, quotaUsage.quota, quotaUsage.day],
            set: { used: sql`${quotaUsage.used} + excluded.used` },
            setWhere: sql`${quotaUsage.used} + excluded.used <= case ${sql.join(limits, sql` `)} end`,
          })
          .returning({ userId: quotaUsage.userId, quota: quotaUsage.quota });
        const countedKeys = new Set(counted.map(counterKey));
        for (const { index, reservation } of round) granted[index] = countedKeys.has(counterKey(reservation));
      }
      return granted.map((value) => ({ granted: value }));
    },

    /** Today's use per quota. */
    async usage(userId: string): Promise<Record<string, number>> {
      const rows = await db
        .select({ quota: quotaUsage.quota, used: quotaUsage.used })
        .from(quotaUsage)
        .where(and(eq(quotaUsage.userId, userId), eq(quotaUsage.day, utcDay(clock.now()))));
      return Object.fromEntries(rows.map((row) => [row.quota, row.used]));
    },
  };
}

export type QuotaCounters = ReturnType<typeof createQuotaCounters>;
