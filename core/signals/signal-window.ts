import type { PublishedSignal } from './published-signal.js';
import type { SignalPage } from './visible-signals.js';

/**
 * A process's copy of the recent signals, read from the database at one moment: every signal
 * published at or after `coverageStart`, oldest first, plus what it takes to know when an answer
 * needs a signal the copy does not hold.
 */
export interface SignalWindow {
  /** In sequence order (publication time follows it, see publish-signal.ts). */
  signals: PublishedSignal[];
  coverageStart: Date;
  /** The highest sequence published before coverageStart; null when there is none. */
  newestBeforeCoverage: number | null;
  /** Set when more signals than the bound were published since coverageStart: those at or below it were left out. */
  leftOutThrough: number | null;
  /** The chain's head as far as this copy knows (a higher sequence announced means the copy is behind). */
  headSequence: number;
}

/** What one reader may see now (see visible-signals.ts): the same bounds the database query uses. */
export interface SignalQuery {
  visibleUntil: Date;
  /** Null with the backfill feature (or the admin key): no lower bound. */
  windowStart: Date | null;
  since?: number | undefined;
  limit: number;
}

/** Index of the first signal with a sequence above `since` (the copy is in sequence order). */
function firstAfter(signals: PublishedSignal[], since: number): number {
  let low = 0;
  let high = signals.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (signals[middle]!.sequence <= since) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The page the database would answer for this query, from the copy alone, or undefined when a
 * signal the copy does not hold could be part of the answer (a backfill reaching before the
 * copy, or a window larger than the bound): the caller then asks the database.
 */
export function pageFromWindow(window: SignalWindow, query: SignalQuery): SignalPage | undefined {
  const { since, windowStart, limit } = query;
  if (window.leftOutThrough !== null && (since === undefined || since < window.leftOutThrough)) return undefined;
  if (windowStart === null) {
    if (window.newestBeforeCoverage !== null && (since === undefined || since < window.newestBeforeCoverage))
      return undefined;
  } else if (windowStart.getTime() < window.coverageStart.getTime()) return undefined;

  const visibleUntil = query.visibleUntil.getTime();
  const earliest = windowStart?.getTime() ?? Number.NEGATIVE_INFINITY;
  const start = since === undefined ? 0 : firstAfter(window.signals, since);
  // The database's second question (is anything after the cursor at or before the window's start?) only
  // arises with a window and a cursor.
  const askClamped = windowStart !== null && since !== undefined;
  let historyClamped = askClamped && window.newestBeforeCoverage !== null && window.newestBeforeCoverage > (since ?? 0);
  const page: PublishedSignal[] = [];
  for (let index = start; index < window.signals.length; index += 1) {
    if (page.length >= limit && (historyClamped || !askClamped)) break;
    const signal = window.signals[index]!;
    const publishedAt = signal.publishedAt.getTime();
    if (askClamped && publishedAt <= earliest) historyClamped = true;
    if (page.length < limit && publishedAt >= earliest && publishedAt <= visibleUntil) page.push(signal);
  }
  return {
    signals: page,
    nextSince: page.at(-1)?.sequence ?? null,
    windowStart,
    historyClamped,
  };
}
