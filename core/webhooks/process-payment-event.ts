import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { paymentEvents } from '../../db/schema/index.js';
import { applyPaymentEvent, fetchSnapshots } from '../billing/apply-payment-event.js';
import type { CryptoSettings } from '../billing/crypto/crypto-settings.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { isAppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { PaymentProvider } from '../ports/payment-provider.js';
import type { Queue } from '../ports/queue.js';
import { paymentEventJobId, processPaymentEventJob } from './ingest-webhook.js';

export interface ProcessingPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  /** How long a worker's claim lasts before the sweeper may hand the event to another. */
  leaseMs: number;
  vaultBasisPoints: number;
  /** How crypto invoice facts are judged (CRYPTO_UNDERPAYMENT_TOLERANCE_BPS, GRACE_PERIOD_DAYS). */
  crypto?: CryptoSettings;
}

export type ProcessOutcome = 'processed' | 'ignored' | 'retry' | 'dead' | 'skipped';

const maxBackoffMs = 3_600_000;

/** Exponential backoff with jitter, capped at an hour. */
export const retryDelayMs = (attempts: number, baseMs: number) => {
  const exponential = Math.min(baseMs * 2 ** Math.max(attempts - 1, 0), maxBackoffMs);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
};

export function createPaymentEventProcessor(deps: {
  db: Database;
  queue: Queue;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  providers: ReadonlyMap<string, PaymentProvider>;
  entitlements: EntitlementService;
  policy: ProcessingPolicy;
}) {
  const { db, clock, policy } = deps;

  /** Takes the event for this worker, or returns nothing if it is done or another worker holds it. */
  async function claim(eventId: string) {
    const now = clock.now();
    const [row] = await db
      .update(paymentEvents)
      .set({
        status: 'processing',
        attempts: sql`${paymentEvents.attempts} + 1`,
        lockedUntil: new Date(now.getTime() + policy.leaseMs),
      })
      .where(
        and(
          eq(paymentEvents.id, eventId),
          or(
            inArray(paymentEvents.status, ['pending', 'failed']),
            and(eq(paymentEvents.status, 'processing'), lt(paymentEvents.lockedUntil, now)),
          ),
        ),
      )
      .returning();
    return row;
  }

  async function recordFailure(row: { id: string; provider: string; attempts: number }, error: unknown) {
    const retryable = isAppError(error) ? error.retryable : true;
    const message = error instanceof Error ? error.message : String(error);
    const code = isAppError(error) ? error.code : 'internal_error';
    const dead = !retryable || row.attempts >= policy.maxAttempts;
    const delay = retryDelayMs(row.attempts, policy.retryBaseMs);
    await db
      .update(paymentEvents)
      .set({
        status: dead ? 'dead' : 'failed',
        lastError: `${code}: ${message}`.slice(0, 2000),
        lockedUntil: null,
        nextAttemptAt: dead ? null : new Date(clock.now().getTime() + delay),
      })
      .where(and(eq(paymentEvents.id, row.id), eq(paymentEvents.status, 'processing')));
    deps.metrics.webhookEvents.inc({ provider: row.provider, status: dead ? 'dead' : 'retried' });
    deps.logger.warn({ eventId: row.id, attempts: row.attempts, code, dead }, 'payment event failed');
    if (!dead)
      await deps.queue.enqueue(
        processPaymentEventJob,
        { eventId: row.id },
        { jobId: paymentEventJobId(row.id, row.attempts), delayMs: delay },
      );
    return dead ? 'dead' : 'retry';
  }

  return async function processPaymentEvent(eventId: string): Promise<ProcessOutcome> {
    const row = await claim(eventId);
    if (!row) return 'skipped';
    const provider = deps.providers.get(row.provider);
    try {
      if (!provider) throw new Error(`provider ${row.provider} is not configured`);
      const event = await provider.parseEvent(row.payload);
      const now = clock.now();
      if (event.kind === 'ignore') {
        await db
          .update(paymentEvents)
          .set({ status: 'ignored', processedAt: now, lockedUntil: null, lastError: event.reason })
          .where(eq(paymentEvents.id, row.id));
        deps.metrics.webhookEvents.inc({ provider: row.provider, status: 'ignored' });
        return 'ignored';
      }
      const snapshots = await fetchSnapshots(provider, event);
      await deps.entitlements.commitAndRecompute(async (transaction) => {
        const affected = await applyPaymentEvent(
          transaction,
          {
            provider: row.provider,
            paymentEventId: row.id,
            vaultBasisPoints: policy.vaultBasisPoints,
            now,
            crypto: policy.crypto,
          },
          event,
          snapshots,
        );
        await transaction
          .update(paymentEvents)
          .set({ status: 'processed', processedAt: now, lockedUntil: null, lastError: null, nextAttemptAt: null })
          .where(eq(paymentEvents.id, row.id));
        return { value: undefined, userIds: affected };
      });
      deps.metrics.webhookEvents.inc({ provider: row.provider, status: 'processed' });
      return 'processed';
    } catch (error) {
      return recordFailure(row, error);
    }
  };
}
