import { and, asc, gte, lt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { businessFigureSnapshots } from '../../db/schema/index.js';
import {
  type BusinessFigures,
  type BusinessFiguresService,
  calendarMonthOf,
  type Period,
} from '../billing/business-figures.js';
import type { Clock } from '../ports/clock.js';

export interface FigureSnapshot {
  day: string;
  mrr: BusinessFigures['mrr'];
  active_subscriptions: BusinessFigures['active_subscriptions'];
}

const dayOf = (moment: Date) => moment.toISOString().slice(0, 10);

/**
 * MRR and active by plan over time. The business figures only know "now", so the worker
 * writes them down once a UTC day (and the dashboard does, when it computes them anyway);
 * the history starts on the day this ran first.
 */
export function createFigureHistory(deps: { db: Database; clock: Clock; businessFigures: BusinessFiguresService }) {
  const { db, clock } = deps;
  return {
    /** Today's snapshot, from figures already computed or computed now; the first of the day is kept. */
    async record(figures?: Pick<BusinessFigures, 'mrr' | 'active_subscriptions'>): Promise<void> {
      const now = clock.now();
      const current = figures ?? (await deps.businessFigures.figures(calendarMonthOf(now)));
      await db
        .insert(businessFigureSnapshots)
        .values({ day: dayOf(now), mrr: current.mrr, activeByPlan: current.active_subscriptions, recordedAt: now })
        .onConflictDoNothing({ target: businessFigureSnapshots.day });
    },

    /** The snapshots of the days in [from, to), oldest first. */
    async between(period: Period): Promise<FigureSnapshot[]> {
      const rows = await db
        .select()
        .from(businessFigureSnapshots)
        .where(
          and(gte(businessFigureSnapshots.day, dayOf(period.from)), lt(businessFigureSnapshots.day, dayOf(period.to))),
        )
        .orderBy(asc(businessFigureSnapshots.day));
      return rows.map((row) => ({ day: row.day, mrr: row.mrr, active_subscriptions: row.activeByPlan }));
    },
  };
}

export type FigureHistory = ReturnType<typeof createFigureHistory>;
