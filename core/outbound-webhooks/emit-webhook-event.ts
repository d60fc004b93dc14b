import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { webhookDeliveries, webhookEvents } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { deliverWebhookJob, deliveryJobId } from './delivery-jobs.js';
import type { WebhookEventType } from './webhook-event-types.js';

export interface DeliveryTarget {
  endpointId: string;
  userId: string;
  /** A tier's signal delay: the delivery is not attempted before this. */
  notBefore?: Date;
}

/**
 * Stores the event once under its business key (a repeated source finds the same event and
 * id), then one delivery per target under the unique (event, endpoint) pair, and nudges the
 * new ones. Running it twice creates nothing twice.
 */
export function createEventEmitter(deps: { db: Database; clock: Clock; queue: Queue }) {
  const { db, clock } = deps;

  return async function emit(
    type: WebhookEventType,
    sourceKey: string,
    data: Record<string, unknown>,
    targets: DeliveryTarget[],
  ): Promise<{ eventId: string; stored: boolean; created: number }> {
    const now = clock.now();
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({ type, timestamp: now.toISOString(), data });
    const [inserted] = await db
      .insert(webhookEvents)
      .values({ id, type, sourceKey, body, createdAt: now })
      .onConflictDoNothing({ target: webhookEvents.sourceKey })
      .returning({ id: webhookEvents.id });
    const eventId =
      inserted?.id ??
      (await db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.sourceKey, sourceKey)))[0]!
        .id;
    if (targets.length === 0) return { eventId, stored: inserted !== undefined, created: 0 };
    const created = await db
      .insert(webhookDeliveries)
      .values(
        targets.map((target) => ({
          eventId,
          endpointId: target.endpointId,
          userId: target.userId,
          status: 'pending',
          nextAttemptAt: target.notBefore && target.notBefore > now ? target.notBefore : now,
          createdAt: now,
        })),
      )
      .onConflictDoNothing({ target: [webhookDeliveries.eventId, webhookDeliveries.endpointId] })
      .returning({ id: webhookDeliveries.id, nextAttemptAt: webhookDeliveries.nextAttemptAt });
    for (const delivery of created)
      await deps.queue.enqueue(
        deliverWebhookJob,
        { deliveryId: delivery.id },
        {
          jobId: deliveryJobId(delivery.id, 0),
          delayMs: Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - now.getTime()),
        },
      );
    return { eventId, stored: inserted !== undefined, created: created.length };
  };
}

export type EmitWebhookEvent = ReturnType<typeof createEventEmitter>;
