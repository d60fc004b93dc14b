import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per core instance (tests build many cores in one process). Gauges that need
 * the database are filled by collect callbacks set in createCore.
 */
export interface MetricCollectors {
  queueDepth: () => Promise<number>;
  monthlyRecurringRevenue: () => Promise<Array<{ currency: string; amountMinor: number }>>;
  webhookBacklog: () => Promise<Record<string, number>>;
}

export function createMetrics() {
  const registry = new Registry();
  const collectors: MetricCollectors = {
    queueDepth: async () => 0,
    monthlyRecurringRevenue: async () => [],
    webhookBacklog: async () => ({}),
  };
  return {
    registry,
    collectors,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'webhook_events_total',
      help: 'Provider webhook events by provider and outcome (stored, duplicate, processed, ignored, retried, dead, rejected).',
      labelNames: ['provider', 'status'] as const,
      registers: [registry],
    }),
    entitlementChanges: new Counter({
      name: 'entitlement_changes_total',
      help: 'Stored entitlement results that changed, by resulting status.',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    accessDriftRepaired: new Counter({
      name: 'access_drift_repaired_total',
      help: 'Grants, revokes and invites the access reconciler actually performed, by platform.',
      labelNames: ['platform', 'action'] as const,
      registers: [registry],
    }),
    accessSyncFailures: new Counter({
      name: 'access_sync_failures_total',
      help: 'Failed access sync calls, by platform and stable error code.',
      labelNames: ['platform', 'code'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Jobs waiting, delayed or running.',
      registers: [registry],
      async collect() {
        this.set(await collectors.queueDepth());
      },
    }),
    monthlyRecurringRevenue: new Gauge({
      name: 'mrr_minor_units',
      help: 'Monthly recurring revenue in minor units, by currency.',
      labelNames: ['currency'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const entry of await collectors.monthlyRecurringRevenue())
          this.set({ currency: entry.currency }, entry.amountMinor);
      },
    }),
    webhookBacklog: new Gauge({
      name: 'webhook_events_backlog',
      help: 'Stored webhook events by status that are not yet processed (pending, failed, dead).',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries(await collectors.webhookBacklog())) this.set({ status }, count);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
