import type { signals } from '../../db/schema/index.js';
import type { PublishedSignal } from './published-signal.js';

export type SignalRow = typeof signals.$inferSelect;

export const toPublishedSignal = (row: SignalRow): PublishedSignal => ({
  id: row.id,
  sequence: row.sequence,
  instrument: row.instrument,
  side: row.side as PublishedSignal['side'],
  entry: row.entry,
  stop: row.stop,
  targets: row.targets,
  note: row.note,
  publishedAt: row.publishedAt,
  hash: row.hash,
});

/** `YYYY-MM-DD` of the UTC day, the day daily quotas count in. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
