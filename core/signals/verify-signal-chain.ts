import { asc, gt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signals } from '../../db/schema/index.js';
import { genesisHash, signalHash } from './signal-hash.js';

export type ChainReport =
  | { ok: true; count: number; head: string }
  | {
      ok: false;
      count: number;
      /** The first sequence whose row does not match the chain. */
      brokenAt: number;
      reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap';
    };

/**
 * Recomputes every hash from the stored fields, in pages, so the whole history is checked
 * without loading it at once. The first row that does not follow from its predecessor is the
 * one tampered with (or the one after a deleted row).
 */
export async function verifySignalChain(db: Database, pageSize = 1000): Promise<ChainReport> {
  let previousHash = genesisHash;
  let expectedSequence = 1;
  let count = 0;
  for (;;) {
    const page = await db
      .select()
      .from(signals)
      .where(gt(signals.sequence, expectedSequence - 1))
      .orderBy(asc(signals.sequence))
      .limit(pageSize);
    for (const row of page) {
      if (row.sequence !== expectedSequence)
        return { ok: false, count, brokenAt: expectedSequence, reason: 'sequence_gap' };
      if (row.previousHash !== previousHash)
        return { ok: false, count, brokenAt: row.sequence, reason: 'previous_hash_mismatch' };
      const recomputed = signalHash(
        {
          sequence: row.sequence,
          instrument: row.instrument,
          side: row.side as 'long' | 'short',
          entry: row.entry,
          stop: row.stop,
          targets: row.targets,
          note: row.note,
          publishedAt: row.publishedAt,
        },
        previousHash,
      );
      if (recomputed !== row.hash) return { ok: false, count, brokenAt: row.sequence, reason: 'hash_mismatch' };
      previousHash = row.hash;
      expectedSequence += 1;
      count += 1;
    }
    if (page.length < pageSize) return { ok: true, count, head: previousHash };
  }
}
