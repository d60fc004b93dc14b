import { and, eq, sql } from 'drizzle-orm';
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
const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Daily quota counters. A reservation checks and counts in one statement, so any number of
 * concurrent callers together never pass the limit (DESIGN.md: never read then write).
 */
export function createQuotaCounters(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async reserve(input: QuotaReservation): Promise<{ granted: boolean; used: number }> {
      if (!Number.isInteger(input.amount) || input.amount < 1)
        throw badRequest('quota_amount_invalid', 'A reservation takes a whole number of at least 1.');
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
