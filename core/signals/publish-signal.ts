import { desc, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import { conflict } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal, SignalPublishedListener } from './published-signal.js';
import { genesisHash, signalHash } from './signal-hash.js';
import type { SignalInput } from './signal-input.js';
import { toPublishedSignal } from './signal-rows.js';

/** Every publish takes this lock: the chain has one head, so two publishes can never fork it. */
export const signalChainLock = sql`select pg_advisory_xact_lock(hashtextextended('signals:chain', 0))`;

const sameContent = (row: typeof signals.$inferSelect, input: SignalInput) =>
  row.instrument === input.instrument &&
  row.side === input.side &&
  row.entry === input.entry &&
  row.stop === input.stop &&
  JSON.stringify(row.targets) === JSON.stringify(input.targets) &&
  row.note === input.note;

export interface PublishOutcome {
  signal: PublishedSignal;
  /** False when the idempotency key had already published this signal. */
  created: boolean;
}

/**
 * Stores a signal at the head of the chain, once per idempotency key, then (after commit)
 * starts its fan-out and tells the listeners. The unique sequence backs the lock up: were
 * the lock ever skipped, the second of two racing inserts would fail instead of forking.
 */
export function createSignalPublisher(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  startFanout: (signalId: string) => Promise<void>;
  /** Right after the commit, before the fan-out and the listeners (counts it, updates the readers' copy). */
  onStored: (signal: PublishedSignal) => Promise<void>;
}) {
  const { db, clock, logger } = deps;
  const listeners: SignalPublishedListener[] = [];

  async function existing(idempotencyKey: string, input: SignalInput) {
    const [row] = await db.select().from(signals).where(eq(signals.idempotencyKey, idempotencyKey));
    if (!row) return undefined;
    if (!sameContent(row, input))
      throw conflict(
        'signal_idempotency_conflict',
        'This idempotency key already published a different signal; use a new key for a new signal.',
        { sequence: row.sequence },
      );
    return row;
  }

  async function notifyListeners(signal: PublishedSignal) {
    for (const listener of listeners) {
      try {
        await listener(signal);
      } catch (error) {
        logger.error({ err: error, signalId: signal.id }, 'signal listener failed');
      }
    }
  }

  return {
    onPublished(listener: SignalPublishedListener) {
      listeners.push(listener);
    },

    async publish(input: SignalInput, publishedBy: string): Promise<PublishOutcome> {
      const known = await existing(input.idempotency_key, input);
      if (known) return { signal: toPublishedSignal(known), created: false };
      const stored = await db.transaction(async (transaction) => {
        await transaction.execute(signalChainLock);
        const [again] = await transaction
          .select()
          .from(signals)
          .where(eq(signals.idempotencyKey, input.idempotency_key));
        if (again) return { row: again, created: false };
        const [head] = await transaction
          .select({ sequence: signals.sequence, hash: signals.hash, publishedAt: signals.publishedAt })
          .from(signals)
          .orderBy(desc(signals.sequence))
          .limit(1);
        const now = clock.now();
        // Publication order and time agree even if the clock steps back a little.
        const publishedAt = head && head.publishedAt > now ? head.publishedAt : now;
        const fields = {
          sequence: (head?.sequence ?? 0) + 1,
          instrument: input.instrument,
          side: input.side,
          entry: input.entry,
          stop: input.stop,
          targets: input.targets,
          note: input.note,
          publishedAt,
        };
        const previousHash = head?.hash ?? genesisHash;
        const [row] = await transaction
          .insert(signals)
          .values({
            ...fields,
            idempotencyKey: input.idempotency_key,
            publishedBy,
            previousHash,
            hash: signalHash(fields, previousHash),
            fanoutUpdatedAt: now,
          })
          .returning();
        return { row: row!, created: true };
      });
      if (!stored.created) {
        await existing(input.idempotency_key, input);
        return { signal: toPublishedSignal(stored.row), created: false };
      }
      const signal = toPublishedSignal(stored.row);
      await deps.onStored(signal);
      // A lost fan-out job is found again by the sweeper (the signal stays `planning`).
      await deps.startFanout(signal.id).catch((error: unknown) => {
        logger.error({ err: error, signalId: signal.id }, 'signal fan-out not enqueued; the sweeper will start it');
      });
      await notifyListeners(signal);
      return { signal, created: true };
    },
  };
}
