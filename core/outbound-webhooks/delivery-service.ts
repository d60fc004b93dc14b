import { and, desc, eq, inArray, lt, lte, or } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { deliverWebhookJob, deliveryJobId } from './delivery-jobs.js';
import { deliveryInProgress, deliveryNotFound, endpointDisabled, endpointNotFound } from './webhook-errors.js';
import { canSee, type WebhookViewer } from './webhook-viewer.js';

const deliveryColumns = {
  id: webhookDeliveries.id,
  eventId: webhookDeliveries.eventId,
  eventType: webhookEvents.type,
  endpointId: webhookDeliveries.endpointId,
  userId: webhookDeliveries.userId,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  responseExcerpt: webhookDeliveries.responseExcerpt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};

const pendingGraceMs = 10_000;

/** Listing, redelivery by id, and the sweeper that re-enqueues deliveries whose job was lost. */
export function createDeliveryService(deps: { db: Database; clock: Clock; queue: Queue }) {
  const { db, clock } = deps;

  const one = async (deliveryId: string) =>
    (
      await db
        .select(deliveryColumns)
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .where(eq(webhookDeliveries.id, deliveryId))
    )[0];

  return {
    get: one,

    async listForEndpoint(
      viewer: WebhookViewer,
      endpointId: string,
      options: { limit: number; status?: string | undefined },
    ) {
      const [endpoint] = await db
        .select({ userId: webhookEndpoints.userId })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpointId));
      if (!endpoint || !canSee(viewer, endpoint.userId)) throw endpointNotFound();
      return db
        .select(deliveryColumns)
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .where(
          and(
            eq(webhookDeliveries.endpointId, endpointId),
            options.status ? eq(webhookDeliveries.status, options.status) : undefined,
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(options.limit);
    },

    /**
     * Sends the same event (same id, same body) again to the same endpoint, signed with its
     * current secret: a fresh retry window starting now.
     */
    async redeliver(viewer: WebhookViewer, deliveryId: string) {
      const [row] = await db
        .select({ delivery: webhookDeliveries, endpointStatus: webhookEndpoints.status })
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(eq(webhookDeliveries.id, deliveryId));
      if (!row || !canSee(viewer, row.delivery.userId)) throw deliveryNotFound();
      if (row.endpointStatus !== 'active') throw endpointDisabled();
      const now = clock.now();
      const [reset] = await db
        .update(webhookDeliveries)
        .set({ status: 'pending', nextAttemptAt: now, windowStartedAt: null, lockedUntil: null })
        .where(
          and(
            eq(webhookDeliveries.id, deliveryId),
            or(
              inArray(webhookDeliveries.status, ['pending', 'retrying', 'succeeded', 'failed']),
              and(eq(webhookDeliveries.status, 'delivering'), lt(webhookDeliveries.lockedUntil, now)),
            ),
          ),
        )
        .returning({ attempts: webhookDeliveries.attempts });
      if (!reset) throw deliveryInProgress();
      await deps.queue.enqueue(
        deliverWebhookJob,
        { deliveryId },
        { jobId: `${deliveryJobId(deliveryId, reset.attempts)}-redeliver-${now.getTime()}` },
      );
      return (await one(deliveryId))!;
    },

    /** Due or abandoned deliveries, enqueued again (the queue is only a nudge). */
    async sweep(limit = 500): Promise<number> {
      const now = clock.now();
      const due = await db
        .select({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
        .from(webhookDeliveries)
        .where(
          or(
            // A pending delivery just created still has its first job on the way.
            and(
              eq(webhookDeliveries.status, 'pending'),
              lt(webhookDeliveries.nextAttemptAt, new Date(now.getTime() - pendingGraceMs)),
            ),
            and(eq(webhookDeliveries.status, 'retrying'), lte(webhookDeliveries.nextAttemptAt, now)),
            and(eq(webhookDeliveries.status, 'delivering'), lt(webhookDeliveries.lockedUntil, now)),
          ),
        )
        .limit(limit);
      // A new job id each time: the original job may sit delayed or lost; the claim lets one win.
      for (const row of due)
        await deps.queue.enqueue(
          deliverWebhookJob,
          { deliveryId: row.id },
          { jobId: `${deliveryJobId(row.id, row.attempts)}-sweep-${now.getTime()}` },
        );
      return due.length;
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
