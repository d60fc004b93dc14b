import { desc, gt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { SignalReader } from './visible-signals.js';

/** That a signal exists and when, nothing of what it says: all a locked card may show. */
export interface DelayedSignal {
  sequence: number;
  publishedAt: Date;
  /** When the reader's tier shows it. */
  visibleAt: Date;
}

/**
 * The signals a reader's tier does not show yet (published within its delay), newest first.
 * Only the sequence and time are read, never the content, so a page built from this cannot
 * leak a signal to a tier that must wait for it.
 */
export function createDelayedSignals(deps: { db: Database; clock: Clock }) {
  return {
    async inDelayWindow(reader: SignalReader, limit = 20): Promise<DelayedSignal[]> {
      const delayMs = (reader.quotas.signal_delay_seconds ?? 0) * 1000;
      if (delayMs <= 0) return [];
      const visibleUntil = new Date(deps.clock.now().getTime() - delayMs);
      const rows = await deps.db
        .select({ sequence: signals.sequence, publishedAt: signals.publishedAt })
        .from(signals)
        .where(gt(signals.publishedAt, visibleUntil))
        .orderBy(desc(signals.sequence))
        .limit(limit);
      return rows.map((row) => ({ ...row, visibleAt: new Date(row.publishedAt.getTime() + delayMs) }));
    },
  };
}

export type DelayedSignals = ReturnType<typeof createDelayedSignals>;
