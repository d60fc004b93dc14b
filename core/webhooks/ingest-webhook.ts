import type { Database } from '../../db/client.js';
import { paymentEvents } from '../../db/schema/index.js';
import { databaseDataError } from '../database-errors.js';
import { AppError, notFound } from '../errors.js';
import { nudgeWithin } from '../jobs/nudge-within.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { IncomingHeaders, PaymentProvider } from '../ports/payment-provider.js';
import type { Queue } from '../ports/queue.js';
import { refuseUnstorableEvent, unstorableEvent } from './unstorable-event.js';
import { refuseAmbiguousWebhookBody } from './webhook-body-bytes.js';

export const processPaymentEventJob = 'payment-event.process';

/** One job id per attempt: a retry is a new job, a duplicate enqueue of the same attempt is not. */
export const paymentEventJobId = (eventId: string, attempts: number) => `payment-event-${eventId}-${attempts}`;

export interface IngestResult {
  eventId: string | null;
  duplicate: boolean;
  status: 'pending' | 'ignored';
}

/**
 * The webhook edge: verify the exact bytes, store the event once, nudge a worker, answer.
 * Nothing is processed here, so the provider gets its 200 as soon as the row is durable.
 */
export function createWebhookIngest(deps: {
  db: Database;
  queue: Queue;
  clock: Clock;
  metrics: Metrics;
  providers: ReadonlyMap<string, PaymentProvider>;
}) {
  return async function ingestWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: IncomingHeaders,
  ): Promise<IngestResult> {
    const provider = deps.providers.get(providerName);
    if (!provider)
      throw notFound('provider_not_configured', `The ${providerName} provider is not configured on this server.`);
    let verified: ReturnType<PaymentProvider['verifyWebhook']>;
    try {
      refuseAmbiguousWebhookBody(providerName, rawBody);
      verified = provider.verifyWebhook(rawBody, headers);
      refuseUnstorableEvent(providerName, verified);
    } catch (error) {
      deps.metrics.webhookEvents.inc({ provider: providerName, status: 'rejected' });
      throw error;
    }
    const now = deps.clock.now();
    const status = verified.handled ? 'pending' : 'ignored';
    let inserted: Array<{ id: string }>;
    try {
      inserted = await deps.db
        .insert(paymentEvents)
        .values({
          provider: providerName,
          providerEventId: verified.providerEventId,
          eventType: verified.eventType,
          payload: rawBody.toString('utf8'),
          status,
          receivedAt: now,
          processedAt: verified.handled ? null : now,
        })
        .onConflictDoNothing({ target: [paymentEvents.provider, paymentEvents.providerEventId] })
        .returning({ id: paymentEvents.id });
    } catch (error) {
      // A value the database refuses is refused on every retry: 400 stops the provider retrying.
      if (databaseDataError(error)) throw unstorableEvent(providerName, error);
      // The provider must retry: answer 5xx, never 200, when the event is not durable.
      throw new AppError('webhook_store_failed', 'The event could not be stored; retry later.', {
        status: 503,
        retryable: true,
        cause: error,
      });
    }
    const row = inserted[0];
    if (!row) {
      deps.metrics.webhookEvents.inc({ provider: providerName, status: 'duplicate' });
      return { eventId: null, duplicate: true, status };
    }
    deps.metrics.webhookEvents.inc({ provider: providerName, status: verified.handled ? 'stored' : 'ignored' });
    if (verified.handled) {
      // A lost nudge is fine: the sweeper finds pending rows. So a queue failure must not fail the
      // webhook, nor a slow queue hold its acknowledgement past a short bound.
      await nudgeWithin(() =>
        deps.queue.enqueue(processPaymentEventJob, { eventId: row.id }, { jobId: paymentEventJobId(row.id, 0) }),
      );
    }
    return { eventId: row.id, duplicate: false, status };
  };
}
