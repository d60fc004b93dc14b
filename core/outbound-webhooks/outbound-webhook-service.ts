import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { subscriptions, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js';
import type { EntitlementView } from '../entitlements/entitlement-service.js';
import { defineJob } from '../jobs/job-registry.js';
import type { Metrics } from '../metrics.js';
import type { NotificationKind } from '../notifications/access-transition.js';
import type { DirectMessage } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { type PublishedSignal, publishedSignalPayload } from '../signals/published-signal.js';
import { createDeliverer, type DisableReason } from './deliver-webhook.js';
import { deliverWebhookJob, fanOutSignalJob } from './delivery-jobs.js';
import { createDeliveryService } from './delivery-service.js';
import { createEventEmitter, type DeliveryTarget } from './emit-webhook-event.js';
import { endpointDisabledMessage } from './endpoint-disabled-message.js';
import { createEndpointService } from './endpoint-service.js';
import { findMissedSignals } from './missed-signals.js';
import { createOutboundWebhookMetrics } from './outbound-webhook-metrics.js';
import { createSendPool } from './send-pool.js';
import { entitlementsUpdatedData, signalPublishedData, subscriptionUpdatedData } from './webhook-event-payloads.js';
import { outboundWebhooksFeature, type WebhookEventType } from './webhook-event-types.js';

export interface OutboundWebhookPolicy {
  allowLoopback: boolean;
  maxEndpointsPerMember: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  retryWindowMs: number;
  timeoutMs: number;
  concurrency: number;
  perEndpointConcurrency: number;
}

/** The DM sender (core/notifications/notify.ts): at most one DM per dedupe key. */
export interface OwnerNotifier {
  notify(userId: string, kind: NotificationKind, dedupeKey: string, message: DirectMessage): Promise<unknown>;
}

const subscribedTo = (type: WebhookEventType) => sql`${webhookEndpoints.events} @> ${JSON.stringify([type])}::jsonb`;

/**
 * Outbound webhooks: members' endpoints, events from entitlement changes and published
 * signals, signed deliveries through the queue with a day of retries, auto-disable with a
 * DM, redelivery by id. The database holds every delivery; jobs only nudge.
 */
export function createOutboundWebhooks(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  metrics: Pick<Metrics, 'registry'>;
  entitlements: { get(userId: string): Promise<EntitlementView> };
  notifier: OwnerNotifier;
  secretKey: Buffer;
  policy: OutboundWebhookPolicy;
}) {
  const { db, clock, policy } = deps;
  const destinations = { allowLoopback: policy.allowLoopback };
  const metrics = createOutboundWebhookMetrics(deps.metrics);
  const pool = createSendPool({ total: policy.concurrency, perEndpoint: policy.perEndpointConcurrency });
  const endpoints = createEndpointService({
    db,
    clock,
    secretKey: deps.secretKey,
    destinations,
    maxEndpointsPerMember: policy.maxEndpointsPerMember,
  });
  const deliveries = createDeliveryService({ db, clock, queue: deps.queue });
  const emitEvent = createEventEmitter({ db, clock, queue: deps.queue });

  /** Account events with nobody listening are not stored; signal events always are (see missed-signals.ts). */
  async function emit(
    type: WebhookEventType,
    sourceKey: string,
    data: Record<string, unknown>,
    targets: DeliveryTarget[],
  ) {
    if (targets.length === 0 && type !== 'signal.published') return;
    const { stored } = await emitEvent(type, sourceKey, data, targets);
    if (stored) metrics.events.inc({ type });
  }

  /** Turns the endpoint off (once, whoever races), stops its queued deliveries and tells the owner. */
  async function disable(endpointId: string, reason: DisableReason) {
    const now = clock.now();
    const [row] = await db
      .update(webhookEndpoints)
      .set({ status: 'disabled', disabledReason: reason, disabledAt: now, updatedAt: now })
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, 'active')))
      .returning();
    if (!row) return;
    metrics.endpointsDisabled.inc({ reason });
    deps.logger.warn({ endpointId, userId: row.userId, reason }, 'outbound webhook endpoint disabled');
    await db
      .update(webhookDeliveries)
      .set({ status: 'failed', lastError: 'endpoint_disabled', nextAttemptAt: null })
      .where(
        and(eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.status, ['pending', 'retrying'])),
      );
    // Keyed by this disable: a retried job sends nothing twice; a later re-enable and disable is news again.
    await deps.notifier.notify(
      row.userId,
      'webhook_endpoint_disabled',
      `webhook-endpoint-disabled:${row.id}:${now.getTime()}`,
      endpointDisabledMessage(row.url, row.id, reason),
    );
  }

  const deliver = createDeliverer({
    db,
    clock,
    queue: deps.queue,
    logger: deps.logger,
    pool,
    metrics,
    destinations,
    secretOf: (endpoint) => endpoints.secretOf(endpoint),
    disable,
    policy: {
      retry: { baseMs: policy.retryBaseMs, maxDelayMs: policy.retryMaxDelayMs, windowMs: policy.retryWindowMs },
      timeoutMs: policy.timeoutMs,
      leaseMs: policy.timeoutMs + 60_000,
      busyRetryMs: 1000,
    },
  });

  async function activeEndpoints(type: WebhookEventType, userId?: string) {
    return db
      .select({ endpointId: webhookEndpoints.id, userId: webhookEndpoints.userId })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.status, 'active'),
          subscribedTo(type),
          userId ? eq(webhookEndpoints.userId, userId) : undefined,
        ),
      );
  }

  /**
   * After a member's entitlements change (after commit): `entitlements.updated` with the new
   * tier, status and features, and `subscription.updated` with their latest subscription when
   * that row changed since the last event. Account events go to the member's endpoints even
   * without the feature, so the change that removes it still reaches them.
   */
  async function entitlementsChanged(change: { userId: string }) {
    const [entitlementTargets, subscriptionTargets] = await Promise.all([
      activeEndpoints('entitlements.updated', change.userId),
      activeEndpoints('subscription.updated', change.userId),
    ]);
    if (entitlementTargets.length === 0 && subscriptionTargets.length === 0) return;
    const view = await deps.entitlements.get(change.userId);
    await emit(
      'entitlements.updated',
      `entitlements.updated:${change.userId}:v${view.version}`,
      entitlementsUpdatedData(view),
      entitlementTargets,
    );
    if (subscriptionTargets.length === 0) return;
    const [latest] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.userId, change.userId))
      .orderBy(desc(subscriptions.updatedAt))
      .limit(1);
    // Keyed by the row's last write: the same subscription state never makes two events.
    if (latest)
      await emit(
        'subscription.updated',
        `subscription.updated:${latest.id}:${latest.updatedAt.getTime()}`,
        subscriptionUpdatedData(latest, view.status),
        subscriptionTargets,
      );
  }

  /** Every endpoint of every member with the feature, each delayed by the member's tier delay. */
  async function publishSignal(signal: PublishedSignal) {
    const candidates = await activeEndpoints('signal.published');
    const targets: DeliveryTarget[] = [];
    const views = new Map<string, EntitlementView>();
    for (const candidate of candidates) {
      let view = views.get(candidate.userId);
      if (!view) {
        view = await deps.entitlements.get(candidate.userId);
        views.set(candidate.userId, view);
      }
      if (!view.features.includes(outboundWebhooksFeature)) continue;
      const delaySeconds = view.quotas.signal_delay_seconds ?? 0;
      targets.push({ ...candidate, notBefore: new Date(signal.publishedAt.getTime() + delaySeconds * 1000) });
    }
    await emit('signal.published', `signal.published:${signal.id}`, signalPublishedData(signal), targets);
  }

  return {
    endpoints,
    deliveries,
    entitlementsChanged,
    /** The signal fan-out itself (the job runs it; tests may call it directly). */
    publishSignal,
    /** The core.signals.onPublished listener: queues the fan-out so the publisher never waits on it. */
    signalPublished: (signal: PublishedSignal) =>
      deps.queue.enqueue(
        fanOutSignalJob,
        { ...signal, publishedAt: signal.publishedAt.toISOString() },
        {
          jobId: `owh-signal-${signal.id}`,
        },
      ),
    /** The job handler: one attempt of one delivery. */
    deliver,
    /** The schedule's safety net: due or abandoned deliveries, and signals whose fan-out was lost. */
    async sweep() {
      for (const signal of await findMissedSignals(db, clock)) await publishSignal(signal);
      return deliveries.sweep();
    },
    jobs: [
      defineJob({
        name: deliverWebhookJob,
        payload: z.object({ deliveryId: z.uuid() }),
        handle: ({ deliveryId }) => deliver(deliveryId),
      }),
      defineJob({
        name: fanOutSignalJob,
        payload: publishedSignalPayload,
        handle: (signal) => publishSignal(signal),
      }),
    ],
    /** Resolves when every send started in this process has finished (tests, shutdown). */
    idle: () => pool.idle(),
    close: () => pool.idle(),
  };
}

export type OutboundWebhooks = ReturnType<typeof createOutboundWebhooks>;
