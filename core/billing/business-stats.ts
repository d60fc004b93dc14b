import { and, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { entitlements, subscriptions } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import { recurringRevenue } from './revenue-report.js';

/** Entitlement states in which a member is paying for the tier they hold now. */
const payingStatuses = ['active', 'past_due', 'canceled_at_period_end'];

export interface BusinessSummary {
  mrr: Array<{ currency: string; amount_minor: number }>;
  /** Members per tier whose entitlement is in a paying state (moderator grants show as active too). */
  activeByPlan: Record<string, number>;
  /** Subscriptions started, and ended, in the current calendar month (UTC). */
  newThisMonth: number;
  churnedThisMonth: number;
}

/** `/admin stats`: the business at a glance, for the calendar month the app clock is in. */
export function createBusinessStats(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async summary(): Promise<BusinessSummary> {
      const now = clock.now();
      const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const { mrr } = await recurringRevenue(db);
      const active = await db
        .select({ tier: entitlements.tier, count: sql<number>`count(*)` })
        .from(entitlements)
        .where(inArray(entitlements.status, payingStatuses))
        .groupBy(entitlements.tier);
      const [started] = await db
        .select({ count: sql<number>`count(*)` })
        .from(subscriptions)
        .where(and(gte(subscriptions.createdAt, from), lt(subscriptions.createdAt, to)));
      const [ended] = await db
        .select({ count: sql<number>`count(*)` })
        .from(subscriptions)
        .where(and(gte(subscriptions.endedAt, from), lt(subscriptions.endedAt, to)));
      return {
        mrr,
        activeByPlan: Object.fromEntries(active.map((row) => [row.tier, Number(row.count)])),
        newThisMonth: Number(started?.count ?? 0),
        churnedThisMonth: Number(ended?.count ?? 0),
      };
    },
  };
}

export type BusinessStats = ReturnType<typeof createBusinessStats>;
