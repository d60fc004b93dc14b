import { Counter } from 'prom-client';
import type { Metrics } from '../metrics.js';

/** Registered on the core's own registry, so /metrics shows them beside the rest. */
export function createOutboundWebhookMetrics(metrics: Pick<Metrics, 'registry'>) {
  return {
    deliveries: new Counter({
      name: 'outbound_webhook_attempts_total',
      help: 'Outbound webhook delivery attempts by outcome (delivered, retried, failed, gone).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    }),
    endpointsDisabled: new Counter({
      name: 'outbound_webhook_endpoints_disabled_total',
      help: 'Endpoints turned off automatically, by reason (gone: answered 410; failing: a day of failures).',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    }),
    events: new Counter({
      name: 'outbound_webhook_events_total',
      help: 'Outbound webhook events stored, by type.',
      labelNames: ['type'] as const,
      registers: [metrics.registry],
    }),
  };
}

export type OutboundWebhookMetrics = ReturnType<typeof createOutboundWebhookMetrics>;
