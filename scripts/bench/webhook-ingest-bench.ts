import { performance } from 'node:perf_hooks';
import { and, count, eq } from 'drizzle-orm';
import type { Core } from '../../core/index.js';
import { paymentEvents } from '../../db/schema/index.js';
import { buildApp } from '../../web/app.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { type SignedEvent, signedInvoicePaidEvents } from './signed-stripe-events.js';

export const ingestTargets = { minRatio: 0.5 } as const;

export interface WebhookIngestFigures {
  eventsPerSecond: number;
  rawRowsPerSecond: number;
  ratio: number;
  events: number;
  concurrency: number;
  met: boolean;
}

const warmupCount = 200;

/** Runs `work` for items 0..count-1 with at most `concurrency` in flight; returns elapsed ms. */
async function timedPool(count: number, concurrency: number, work: (index: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return performance.now() - started;
}

/**
 * Webhook ingest (verify signature + store once + nudge the queue + 200) against the one write
 * it cannot avoid: the same single-row INSERT into payment_events through the same drizzle handle.
 *
 * In-process `app.inject`, not HTTP: the baseline has no socket either, so the ratio isolates
 * what ingest adds around the insert (routing, raw-body parser, signature check, parse, enqueue,
 * response serialization). HTTP transport costs are what the entitlement-check bench measures,
 * and a load generator here would share the server's 2 cores. The worker is never started, so
 * no event is processed: the queue only collects nudges.
 *
 * Both sides run the same count with the same concurrency, after a warm-up of each, in ABBA order
 * so that table growth, JIT and other load on the machine weigh on both alike.
 */
export async function runWebhookIngestBench(spec: BenchCoreSpec, options: BenchOptions): Promise<WebhookIngestFigures> {
  const { core, dispose } = await createBenchCore(spec);
  const app = await buildApp(core, { docs: false });
  try {
    await app.ready();
    const total = options.ingestEvents;
    const concurrency = options.ingestConcurrency;
    const events = signedInvoicePaidEvents(warmupCount + total, spec.stripeWebhookSecret);
    const rawIds = events.map((event) => event.id.replace('evt_bench_', 'evt_raw_'));

    const ingest = async (event: SignedEvent) => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
        payload: event.payload,
      });
      if (response.statusCode !== 200 || response.json<{ duplicate: boolean }>().duplicate)
        throw new Error(`webhook ingest answered ${response.statusCode}: ${response.body}`);
    };
    // The same statement ingest runs; a separate provider name keeps the two sets of rows apart.
    const rawInsert = async (index: number) => {
      const now = new Date();
      const inserted = await core.db
        .insert(paymentEvents)
        .values({
          provider: 'bench-raw',
          providerEventId: rawIds[index]!,
          eventType: 'invoice.paid',
          payload: events[index]!.payload,
          status: 'pending',
          receivedAt: now,
          processedAt: null,
        })
        .onConflictDoNothing({ target: [paymentEvents.provider, paymentEvents.providerEventId] })
        .returning({ id: paymentEvents.id });
      if (inserted.length !== 1) throw new Error(`raw insert ${rawIds[index]} stored nothing`);
    };

    await timedPool(warmupCount, concurrency, (index) => ingest(events[index]!));
    await timedPool(warmupCount, concurrency, (index) => rawInsert(index));

    // ABBA over four slices (raw, ingest, ingest, raw, raw, ingest, ingest, raw).
    const slices = 4;
    let ingestMs = 0;
    let rawMs = 0;
    for (let slice = 0; slice < slices; slice += 1) {
      const start = warmupCount + Math.floor((total * slice) / slices);
      const count = warmupCount + Math.floor((total * (slice + 1)) / slices) - start;
      const ingestSlice = () => timedPool(count, concurrency, (index) => ingest(events[start + index]!));
      const rawSlice = () => timedPool(count, concurrency, (index) => rawInsert(start + index));
      if (slice % 2 === 0) {
        rawMs += await rawSlice();
        ingestMs += await ingestSlice();
      } else {
        ingestMs += await ingestSlice();
        rawMs += await rawSlice();
      }
    }

    await expectStored(core, 'stripe', warmupCount + total);
    await expectStored(core, 'bench-raw', warmupCount + total);

    const eventsPerSecond = (total / ingestMs) * 1000;
    const rawRowsPerSecond = (total / rawMs) * 1000;
    const ratio = eventsPerSecond / rawRowsPerSecond;
    return {
      eventsPerSecond,
      rawRowsPerSecond,
      ratio,
      events: total,
      concurrency,
      met: ratio >= ingestTargets.minRatio,
    };
  } finally {
    await app.close();
    await dispose();
  }
}

/** Every event must be durable and pending, or the figure counts work that did not happen. */
async function expectStored(core: Core, provider: string, expected: number) {
  const [row] = await core.db
    .select({ stored: count() })
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, provider), eq(paymentEvents.status, 'pending')));
  if (row?.stored !== expected)
    throw new Error(`${provider}: ${row?.stored ?? 0} pending rows stored, expected ${expected}`);
}
