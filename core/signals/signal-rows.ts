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
