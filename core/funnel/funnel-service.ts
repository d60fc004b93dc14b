import { and, gte, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { funnelEvents } from '../../db/schema/index.js';
import type { Period } from '../billing/business-figures.js';
import type { Clock } from '../ports/clock.js';
import {
  type FunnelPlatform,
  type FunnelStage,
  funnelPlatforms,
  funnelStages,
  recordFunnelEvent,
  viewFunnelKey,
} from './funnel-events.js';

export interface FunnelRow {
  platform: FunnelPlatform | 'all';
  tiers_viewed: number;
  pricing_viewed: number;
  /** Both kinds of view: the funnel's first stage. */
  viewed: number;
  checkout_opened: number;
  checkout_completed: number;
  /** Ratios in basis points, rounded half up; null when the stage before is empty. */
  opened_per_viewed_bps: number | null;
  completed_per_opened_bps: number | null;
  completed_per_viewed_bps: number | null;
}

export interface FunnelReport {
  period: { from: string; to: string };
  platforms: FunnelRow[];
  total: FunnelRow;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part * 10_000) / whole));

function funnelRow(platform: FunnelRow['platform'], counts: Partial<Record<FunnelStage, number>>): FunnelRow {
  const tiersViewed = counts.tiers_viewed ?? 0;
  const pricingViewed = counts.pricing_viewed ?? 0;
  const viewed = tiersViewed + pricingViewed;
  const opened = counts.checkout_opened ?? 0;
  const completed = counts.checkout_completed ?? 0;
  return {
    platform,
    tiers_viewed: tiersViewed,
    pricing_viewed: pricingViewed,
    viewed,
    checkout_opened: opened,
    checkout_completed: completed,
    opened_per_viewed_bps: ratio(opened, viewed),
    completed_per_opened_bps: ratio(completed, opened),
    completed_per_viewed_bps: ratio(completed, viewed),
  };
}

export interface PlanListView {
  event: 'tiers_viewed' | 'pricing_viewed';
  platform: FunnelPlatform;
  userId?: string | null | undefined;
  /** Names an anonymous visitor (a session id) so their reloads count once a day. */
  visitorKey?: string | undefined;
  planId?: string | undefined;
}

/** Where members come from and where they drop off, per platform. */
export function createFunnelService(deps: { db: Database; clock: Clock; logger: Logger }) {
  const { db, clock } = deps;
  /** Views still being written in the background; awaited by settle() and before shutdown. */
  const writing = new Set<Promise<void>>();
  return {
    /**
     * A plan list was shown (the bot's /tiers, the pricing page). Never throws: a view that
     * cannot be counted must not stop the member from seeing the plans.
     */
    async recordView(view: PlanListView): Promise<void> {
      const now = clock.now();
      try {
        await recordFunnelEvent(db, {
          event: view.event,
          platform: view.platform,
          userId: view.userId,
          planId: view.planId,
          businessKey: viewFunnelKey(view.event, view.platform, view.userId ?? view.visitorKey, now),
          occurredAt: now,
        });
      } catch (error) {
        deps.logger.warn({ err: error, event: view.event, platform: view.platform }, 'funnel view not recorded');
      }
    },

    /**
     * recordView without keeping the page waiting: the row is written while the page is sent (a
     * pricing page view cost a database write before its first byte). Still never throws.
     */
    recordViewInBackground(view: PlanListView): void {
      const write = this.recordView(view).finally(() => writing.delete(write));
      writing.add(write);
    },

    /** Resolves once every view recorded in the background is written. */
    async settle(): Promise<void> {
      while (writing.size > 0) await Promise.all([...writing]);
    },

    /** Counts per stage per platform over [from, to), with the conversion between stages. */
    async report(period: Period): Promise<FunnelReport> {
      const rows = await db
        .select({ event: funnelEvents.event, platform: funnelEvents.platform, count: sql<string>`count(*)` })
        .from(funnelEvents)
        .where(and(gte(funnelEvents.occurredAt, period.from), lt(funnelEvents.occurredAt, period.to)))
        .groupBy(funnelEvents.event, funnelEvents.platform);
      const byPlatform = new Map<string, Partial<Record<FunnelStage, number>>>();
      const total: Partial<Record<FunnelStage, number>> = {};
      for (const row of rows) {
        if (!(funnelStages as readonly string[]).includes(row.event)) continue;
        const stage = row.event as FunnelStage;
        const counts = byPlatform.get(row.platform) ?? {};
        counts[stage] = (counts[stage] ?? 0) + Number(row.count);
        byPlatform.set(row.platform, counts);
        total[stage] = (total[stage] ?? 0) + Number(row.count);
      }
      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        // Every platform, in a fixed order, even when empty: the page's table keeps its shape.
        platforms: funnelPlatforms.map((platform) => funnelRow(platform, byPlatform.get(platform) ?? {})),
        total: funnelRow('all', total),
      };
    },
  };
}

export type FunnelService = ReturnType<typeof createFunnelService>;
