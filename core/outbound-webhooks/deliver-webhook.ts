import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { type WebhookEndpointRow, webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { deliverWebhookJob, deliveryJobId } from './delivery-jobs.js';
import type { DestinationPolicy } from './destination-policy.js';
import type { OutboundWebhookMetrics } from './outbound-webhook-metrics.js';
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.js';
import type { SendPool } from './send-pool.js';
import { type SendResult, sendWebhookRequest } from './send-webhook-request.js';
import { webhookHeaders } from './webhook-signature.js';

export type DisableReason = 'gone' | 'failing';

export interface DeliveryPolicy {
  retry: RetryPolicy;
  timeoutMs: number;
  /** A claim outlives the request's timeout; after it the sweeper may hand the delivery on. */
  leaseMs: number;
  /** How long a job waits before asking again when this process's send slots are full. */
  busyRetryMs: number;
}

const isSuccess = (result: SendResult) =>
  result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300;
const isGone = (result: SendResult) => result.kind === 'response' && result.statusCode === 410;

/**
 * Attempts one delivery: claims it (one worker at a time, counted), signs with the endpoint's
 * current secret, sends through the bounded pool and records the outcome. 2xx delivers; 410
 * disables the endpoint at once; anything else retries on the backoff schedule until the
 * retry window ends, and a delivery that failed through its whole window with no other
 * success on the endpoint meanwhile disables the endpoint.
 */
export function createDeliverer(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  pool: SendPool;
  metrics: OutboundWebhookMetrics;
  destinations: DestinationPolicy;
  secretOf: (endpoint: WebhookEndpointRow) => string;
  disable: (endpointId: string, reason: DisableReason) => Promise<void>;
  policy: DeliveryPolicy;
}) {
  const { db, clock, policy } = deps;

  async function claim(deliveryId: string) {
    const now = clock.now();
    const [row] = await db
      .update(webhookDeliveries)
      .set({
        status: 'delivering',
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lockedUntil: new Date(now.getTime() + policy.leaseMs),
        lastAttemptAt: now,
        windowStartedAt: sql`coalesce(${webhookDeliveries.windowStartedAt}, ${now.toISOString()}::timestamptz)`,
      })
      .where(
        and(
          eq(webhookDeliveries.id, deliveryId),
          or(
            and(inArray(webhookDeliveries.status, ['pending', 'retrying']), lte(webhookDeliveries.nextAttemptAt, now)),
            and(eq(webhookDeliveries.status, 'delivering'), lt(webhookDeliveries.lockedUntil, now)),
          ),
        ),
      )
      .returning();
    return row;
  }

  /** Only the worker that holds this very attempt may record it (a lost lease must not overwrite a newer one). */
  const heldAttempt = (deliveryId: string, attempts: number) =>
    and(
      eq(webhookDeliveries.id, deliveryId),
      eq(webhookDeliveries.status, 'delivering'),
      eq(webhookDeliveries.attempts, attempts),
    );

  async function attempt(deliveryId: string) {
    const delivery = await claim(deliveryId);
    if (!delivery) return;
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId));
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, delivery.eventId));
    if (!endpoint || !event) return;
    let result: SendResult;
    try {
      const headers = webhookHeaders(deps.secretOf(endpoint), event.id, clock.now(), event.body);
      result = await sendWebhookRequest(endpoint.url, headers, event.body, {
        timeoutMs: policy.timeoutMs,
        policy: deps.destinations,
      });
    } catch (error) {
      result = { kind: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    const now = clock.now();
    const response =
      result.kind === 'response'
        ? { lastStatusCode: result.statusCode, responseExcerpt: result.excerpt, lastError: null }
        : { lastStatusCode: null, responseExcerpt: null, lastError: result.error };

    if (isSuccess(result)) {
      await db
        .update(webhookDeliveries)
        .set({ ...response, status: 'succeeded', deliveredAt: now, nextAttemptAt: null, lockedUntil: null })
        .where(heldAttempt(delivery.id, delivery.attempts));
      await db
        .update(webhookEndpoints)
        .set({ lastSuccessAt: now, consecutiveFailures: 0 })
        .where(eq(webhookEndpoints.id, endpoint.id));
      deps.metrics.deliveries.inc({ outcome: 'delivered' });
      return;
    }

    await db
      .update(webhookEndpoints)
      .set({ lastFailureAt: now, consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const next = isGone(result)
      ? null
      : nextAttemptAt(delivery.attempts, delivery.windowStartedAt ?? now, now, policy.retry);
    await db
      .update(webhookDeliveries)
      .set({ ...response, status: next ? 'retrying' : 'failed', nextAttemptAt: next, lockedUntil: null })
      .where(heldAttempt(delivery.id, delivery.attempts));
    deps.logger.info(
      {
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        attempts: delivery.attempts,
        statusCode: response.lastStatusCode,
      },
      'outbound webhook attempt failed',
    );
    if (next) {
      deps.metrics.deliveries.inc({ outcome: 'retried' });
      await deps.queue.enqueue(
        deliverWebhookJob,
        { deliveryId: delivery.id },
        { jobId: deliveryJobId(delivery.id, delivery.attempts), delayMs: next.getTime() - now.getTime() },
      );
      return;
    }
    deps.metrics.deliveries.inc({ outcome: isGone(result) ? 'gone' : 'failed' });
    if (isGone(result)) return deps.disable(endpoint.id, 'gone');
    // Failed through a whole window: the endpoint is dead unless something else got through meanwhile.
    const [fresh] = await db
      .select({ lastSuccessAt: webhookEndpoints.lastSuccessAt })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    const windowStart = delivery.windowStartedAt ?? now;
    if (!fresh?.lastSuccessAt || fresh.lastSuccessAt < windowStart) await deps.disable(endpoint.id, 'failing');
  }

  /** The job: hands the attempt to the pool and returns, so a slow receiver holds no queue worker. */
  return async function deliver(deliveryId: string) {
    const [row] = await db
      .select({
        status: webhookDeliveries.status,
        attempts: webhookDeliveries.attempts,
        endpointId: webhookDeliveries.endpointId,
        endpointStatus: webhookEndpoints.status,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId));
    if (!row || row.status === 'succeeded' || row.status === 'failed') return;
    if (row.endpointStatus !== 'active') {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', lastError: 'endpoint_disabled', nextAttemptAt: null })
        .where(and(eq(webhookDeliveries.id, deliveryId), inArray(webhookDeliveries.status, ['pending', 'retrying'])));
      return;
    }
    const started = deps.pool.tryRun(row.endpointId, () =>
      attempt(deliveryId).catch((error: unknown) =>
        deps.logger.error({ err: error, deliveryId }, 'outbound webhook attempt crashed'),
      ),
    );
    if (!started)
      await deps.queue.enqueue(
        deliverWebhookJob,
        { deliveryId },
        { jobId: `${deliveryJobId(deliveryId, row.attempts)}-busy-${Date.now()}`, delayMs: policy.busyRetryMs },
      );
  };
}
