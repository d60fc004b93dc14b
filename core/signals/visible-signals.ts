import { and, asc, desc, gt, gte, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from './published-signal.js';
import { toPublishedSignal } from './signal-rows.js';
import { pageFromWindow } from './signal-window.js';
import type { SignalWindowCache } from './signal-window-cache.js';

/** What decides what a reader sees: the tier's delay and whether it has the backfill feature. */
export interface SignalReader {
  quotas: Record<string, number>;
  features: string[];
}

export const backfillFeature = 'historical_backfill';

export interface SignalPage {
  signals: PublishedSignal[];
  /** Pass as `since` to get what follows; null when the page is empty. */
  nextSince: number | null;
  /** Oldest publication time this reader may see; null with backfill. */
  windowStart: Date | null;
  /** True when `since` pointed before the window and the page starts at the window instead. */
  historyClamped: boolean;
}

/**
 * The signals a reader may see now: published at least the tier's delay ago, and, without the
 * backfill feature, no older than the history window. A cursor older than the window is
 * clamped to it (the answer says so) rather than refused, so a client that was offline for a
 * while keeps working and simply sees what its tier allows. Pages come from the process's copy of
 * the recent signals when it holds every signal the answer could include, else from the database.
 */
export function createSignalReader(deps: {
  db: Database;
  clock: Clock;
  historyDays: number;
  window?: Pick<SignalWindowCache, 'current'>;
}) {
  const { db, clock } = deps;

  const bounds = (reader: SignalReader | null) => {
    const now = clock.now().getTime();
    const delayMs = (reader?.quotas.signal_delay_seconds ?? 0) * 1000;
    const windowStart =
      reader === null || reader.features.includes(backfillFeature)
        ? null
        : new Date(now - deps.historyDays * 86_400_000);
    return { visibleUntil: new Date(now - delayMs), windowStart };
  };

  return {
    /** In publication order after `since` (exclusive); `reader` null means no limits (the admin key). */
    async page(reader: SignalReader | null, input: { since?: number | undefined; limit: number }): Promise<SignalPage> {
      const { visibleUntil, windowStart } = bounds(reader);
      if (deps.window) {
        const fromCopy = pageFromWindow(await deps.window.current(), { visibleUntil, windowStart, ...input });
        if (fromCopy) return fromCopy;
      }
      const rows = await db
        .select()
        .from(signals)
        .where(
          and(
            lte(signals.publishedAt, visibleUntil),
            windowStart ? gte(signals.publishedAt, windowStart) : undefined,
            input.since !== undefined ? gt(signals.sequence, input.since) : undefined,
          ),
        )
        .orderBy(asc(signals.sequence))
        .limit(input.limit);
      let historyClamped = false;
      if (windowStart && input.since !== undefined) {
        // Clamped when something after the cursor exists but is older than the window.
        const [older] = await db
          .select({ sequence: signals.sequence })
          .from(signals)
          .where(and(gt(signals.sequence, input.since), lte(signals.publishedAt, windowStart)))
          .limit(1);
        historyClamped = older !== undefined;
      }
      const page = rows.map(toPublishedSignal);
      return { signals: page, nextSince: page.at(-1)?.sequence ?? null, windowStart, historyClamped };
    },

    /** The newest few a reader may see now, newest first (/signals latest). */
    async latest(reader: SignalReader | null, limit = 5): Promise<PublishedSignal[]> {
      const { visibleUntil, windowStart } = bounds(reader);
      const rows = await db
        .select()
        .from(signals)
        .where(
          and(lte(signals.publishedAt, visibleUntil), windowStart ? gte(signals.publishedAt, windowStart) : undefined),
        )
        .orderBy(desc(signals.sequence))
        .limit(limit);
      return rows.map(toPublishedSignal);
    },
  };
}
