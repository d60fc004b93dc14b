import { z } from 'zod';

/**
 * A signal as the rest of the product sees it once it is stored. CONTRACT between signals,
 * outbound webhooks and autotrade: fields may be added, never renamed. Prices are decimal
 * strings ("64250.5"): they are not money and must not pass through floating point.
 */
export interface PublishedSignal {
  id: string;
  /** 1, 2, 3… in publication order; the hash chain follows it. */
  sequence: number;
  instrument: string;
  side: 'long' | 'short';
  entry: string;
  stop: string;
  targets: string[];
  note: string | null;
  publishedAt: Date;
  /** SHA-256 (hex) over this signal's canonical fields and the previous signal's hash. */
  hash: string;
}

/**
 * Called after a signal is committed (core.signals.onPublished(listener)); a listener's
 * failure is logged and never blocks publication or the other listeners.
 */
export type SignalPublishedListener = (signal: PublishedSignal) => Promise<void>;

/** A PublishedSignal as it travels in a job payload (JSON: the date as an ISO string). */
export const publishedSignalPayload = z.object({
  id: z.string().min(1),
  sequence: z.number().int(),
  instrument: z.string().min(1),
  side: z.enum(['long', 'short']),
  entry: z.string(),
  stop: z.string(),
  targets: z.array(z.string()),
  note: z.string().nullable(),
  publishedAt: z.coerce.date(),
  hash: z.string(),
}) satisfies z.ZodType<PublishedSignal, unknown>;

/** The public shape of a signal: the API's answers and the `signal.published` webhook's data. */
export const signalViewSchema = z.object({
  id: z.uuid(),
  sequence: z.number().int(),
  instrument: z.string(),
  side: z.enum(['long', 'short']),
  entry: z.string(),
  stop: z.string(),
  targets: z.array(z.string()),
  note: z.string().nullable(),
  published_at: z.string(),
  hash: z.string(),
});

export const signalView = (signal: PublishedSignal): z.infer<typeof signalViewSchema> => ({
  id: signal.id,
  sequence: signal.sequence,
  instrument: signal.instrument,
  side: signal.side,
  entry: signal.entry,
  stop: signal.stop,
  targets: signal.targets,
  note: signal.note,
  published_at: signal.publishedAt.toISOString(),
  hash: signal.hash,
});
