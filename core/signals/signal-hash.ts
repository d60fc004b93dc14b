import { createHash } from 'node:crypto';
import type { PublishedSignal } from './published-signal.js';

/** The previous hash of the first signal. */
export const genesisHash = '0'.repeat(64);

export type HashedFields = Pick<
  PublishedSignal,
  'sequence' | 'instrument' | 'side' | 'entry' | 'stop' | 'targets' | 'note' | 'publishedAt'
>;

/**
 * A fixed field order and plain JSON values, so the same signal always serialises to the same
 * bytes wherever it is recomputed (a verifier in another language included). Dates are ISO
 * strings in UTC with milliseconds, the precision the database keeps.
 */
export function canonicalSignal(fields: HashedFields, previousHash: string): string {
  return JSON.stringify([
    'signal.v1',
    fields.sequence,
    fields.instrument,
    fields.side,
    fields.entry,
    fields.stop,
    fields.targets,
    fields.note,
    fields.publishedAt.toISOString(),
    previousHash,
  ]);
}

export const signalHash = (fields: HashedFields, previousHash: string) =>
  createHash('sha256').update(canonicalSignal(fields, previousHash)).digest('hex');
