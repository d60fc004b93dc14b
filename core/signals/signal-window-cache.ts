import { desc, gte, lt, max } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from './published-signal.js';
import { toPublishedSignal } from './signal-rows.js';
import type { SignalWindow } from './signal-window.js';

/** The cache port's invalidation broadcast carries the new head's sequence under this namespace. */
export const signalWindowNamespace = 'signals-window';

export interface SignalWindowCacheOptions {
  /** How far back the copy reaches: the history window readers without backfill get. */
  historyDays: number;
  /** The most signals held; a busier window leaves the oldest out and those reads go to the database. */
  maxSignals: number;
  /**
   * A copy older than this is read again, so a process that missed a publish message (Redis
   * reconnecting) is behind for at most this long, never for good.
   */
  maxAgeMs: number;
}

export const defaultSignalWindowOptions = { maxSignals: 10_000, maxAgeMs: 10_000 } as const;

interface HeldWindow extends SignalWindow {
  loadedAt: number;
}

/**
 * Each process's copy of the recent signals, so reading the feed costs no query. The copy holds
 * signals, never answers: each reader's delay, window and limit are applied to it per request,
 * since what a delayed tier sees changes with time alone. A publish here appends to the copy
 * and tells the other processes through the cache's invalidation broadcast (Redis pub/sub), which
 * read theirs again; the copy's maximum age bounds how long a missed message can matter.
 * Concurrent first reads share one load.
 */
export function createSignalWindowCache(deps: {
  db: Database;
  clock: Clock;
  cache: Cache;
  logger: Logger;
  options: SignalWindowCacheOptions;
}) {
  const { db, clock, cache, logger, options } = deps;
  let held: HeldWindow | undefined;
  let loading: { generation: number; promise: Promise<HeldWindow> } | undefined;
  // Bumped by every invalidation: a load that started before one may miss its signal, so it is not kept.
  let generation = 0;

  const invalidate = () => {
    generation += 1;
    held = undefined;
  };

  cache.onInvalidate((namespace, key) => {
    if (namespace !== signalWindowNamespace) return;
    const sequence = Number(key);
    // This process's own publish is in the copy already; anything newer means the copy is behind.
    if (held && Number.isSafeInteger(sequence) && sequence <= held.headSequence) return;
    invalidate();
  });

  async function load(): Promise<HeldWindow> {
    const startedAt = generation;
    const loadedAt = clock.now().getTime();
    const coverageStart = new Date(loadedAt - options.historyDays * 86_400_000);
    const [rows, [before]] = await Promise.all([
      db
        .select()
        .from(signals)
        .where(gte(signals.publishedAt, coverageStart))
        .orderBy(desc(signals.sequence))
        .limit(options.maxSignals + 1),
      db
        .select({ sequence: max(signals.sequence) })
        .from(signals)
        .where(lt(signals.publishedAt, coverageStart)),
    ]);
    const leftOut = rows.length > options.maxSignals ? rows[options.maxSignals]! : undefined;
    const kept = rows.slice(0, options.maxSignals).reverse().map(toPublishedSignal);
    const newestBeforeCoverage = before?.sequence ?? null;
    const window: HeldWindow = {
      signals: kept,
      coverageStart,
      newestBeforeCoverage,
      leftOutThrough: leftOut?.sequence ?? null,
      headSequence: Math.max(kept.at(-1)?.sequence ?? 0, newestBeforeCoverage ?? 0),
      loadedAt,
    };
    if (generation === startedAt) held = window;
    return window;
  }

  return {
    /** The copy, read from the database when there is none, it is too old, or the clock went back. */
    async current(): Promise<SignalWindow> {
      const now = clock.now().getTime();
      if (held && now >= held.loadedAt && now - held.loadedAt < options.maxAgeMs) return held;
      if (loading?.generation === generation) return loading.promise;
      const promise = load().finally(() => {
        if (loading?.promise === promise) loading = undefined;
      });
      loading = { generation, promise };
      return promise;
    },

    /**
     * After a publish is committed: the next signal joins the copy here at once, and every other
     * process is told. A failed broadcast never fails the publish (the signal is stored); the
     * others then catch up within maxAgeMs.
     */
    async published(signal: PublishedSignal): Promise<void> {
      const follows =
        held !== undefined &&
        loading === undefined &&
        signal.sequence === held.headSequence + 1 &&
        signal.publishedAt.getTime() >= held.coverageStart.getTime();
      if (follows && held) {
        held.signals.push(signal);
        held.headSequence = signal.sequence;
        if (held.signals.length > options.maxSignals) held.leftOutThrough = held.signals.shift()!.sequence;
      } else if (!held || signal.sequence > held.headSequence) invalidate();
      await cache.delete(signalWindowNamespace, String(signal.sequence)).catch((error: unknown) => {
        logger.warn({ err: error, sequence: signal.sequence }, 'signal window invalidation not broadcast');
      });
    },
  };
}

export type SignalWindowCache = ReturnType<typeof createSignalWindowCache>;
