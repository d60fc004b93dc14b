import { type BusinessFiguresService, calendarMonthOf, type Period } from '../billing/business-figures.js';
import type { RevenueReport } from '../billing/revenue-report.js';
import { badRequest } from '../errors.js';
import type { FunnelReport, FunnelService } from '../funnel/funnel-service.js';
import type { FigureHistory, FigureSnapshot } from './figure-history.js';

const dayMs = 86_400_000;
const weekMs = 7 * dayMs;
/** A chart of more weeks than this is unreadable on a phone, and each week is one computation. */
const maxWeeks = 27;

export const periodPresets = ['this_month', 'last_month', 'last_30_days', 'last_90_days'] as const;
export type PeriodPreset = (typeof periodPresets)[number];

/**
 * The dashboard's period: a preset, or whole UTC days from `from` up to and including `to`.
 * `this_month` is GET /admin/revenue's default, so the two agree without a query.
 */
export function dashboardPeriod(
  selection: { preset?: PeriodPreset | undefined; from?: string | undefined; to?: string | undefined },
  now: Date,
): Period {
  if (selection.from && selection.to) {
    const from = new Date(`${selection.from}T00:00:00Z`);
    const to = new Date(new Date(`${selection.to}T00:00:00Z`).getTime() + dayMs);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
      throw badRequest('period_invalid', 'The period must start on or before the day it ends.');
    return { from, to };
  }
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  switch (selection.preset ?? 'this_month') {
    case 'this_month':
      return calendarMonthOf(now);
    case 'last_month':
      return calendarMonthOf(new Date(calendarMonthOf(now).from.getTime() - 1));
    case 'last_30_days':
      return { from: new Date(today.getTime() - 29 * dayMs), to: new Date(today.getTime() + dayMs) };
    case 'last_90_days':
      return { from: new Date(today.getTime() - 89 * dayMs), to: new Date(today.getTime() + dayMs) };
  }
}

export interface WeeklyMovement {
  from: string;
  to: string;
  new_subscriptions: number;
  churned_subscriptions: number;
}

export interface Dashboard {
  /** Exactly what GET /admin/revenue answers for the same period. */
  report: RevenueReport;
  /** New and churned per week of the period (the last week may be shorter). */
  weeks: WeeklyMovement[];
  weeksTruncated: boolean;
  /** MRR and active by plan per day of the period, as the daily snapshots recorded them. */
  history: FigureSnapshot[];
  funnel: FunnelReport;
}

/**
 * The owner's dashboard: the revenue report, new vs churned week by week through the same
 * business figures (so the weeks add up to the period's totals), and the funnel.
 */
export async function buildDashboard(
  deps: {
    revenueReport: (period: Period) => Promise<RevenueReport>;
    businessFigures: BusinessFiguresService;
    funnel: FunnelService;
    figureHistory: FigureHistory;
  },
  period: Period,
): Promise<Dashboard> {
  const [report, funnel] = await Promise.all([deps.revenueReport(period), deps.funnel.report(period)]);
  // Computed anyway: today's point of the history costs one insert.
  await deps.figureHistory.record(report);
  const history = await deps.figureHistory.between(period);
  const weeks: WeeklyMovement[] = [];
  let start = period.from.getTime();
  while (start < period.to.getTime() && weeks.length < maxWeeks) {
    const end = Math.min(start + weekMs, period.to.getTime());
    const figures = await deps.businessFigures.figures({ from: new Date(start), to: new Date(end) });
    weeks.push({
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      new_subscriptions: figures.new_subscriptions,
      churned_subscriptions: figures.churned_subscriptions,
    });
    start = end;
  }
  return { report, weeks, weeksTruncated: start < period.to.getTime(), history, funnel };
}
