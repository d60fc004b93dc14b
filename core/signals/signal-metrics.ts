import { Counter } from 'prom-client';
import type { Metrics } from '../metrics.js';

/** Registered on the core's own registry, so /metrics shows it next to the rest. */
export function createSignalMetrics(metrics: Pick<Metrics, 'registry'>) {
  return {
    deliveries: new Counter({
      name: 'signal_deliveries_total',
      help: 'Signal deliveries by platform, kind (dm, channel) and resulting status (queued, sent, failed, skipped_quota, skipped_opt_out, via_channel, retried).',
      labelNames: ['platform', 'kind', 'status'] as const,
      registers: [metrics.registry],
    }),
    published: new Counter({
      name: 'signals_published_total',
      help: 'Signals stored (a retried publish with the same key is not counted).',
      registers: [metrics.registry],
    }),
  };
}

export type SignalMetrics = ReturnType<typeof createSignalMetrics>;
