import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { signalDeliveries, signals } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { QuotaCounters, QuotaReservation } from '../entitlements/quota-counters.js';
import { type ChatPlatformName, isPlatformError } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { createGroupCommit } from './group-commit.js';
import type { PublishedSignal } from './published-signal.js';
import type { SendQuotaNotice } from './quota-notice.js';
import type { SignalSendGates } from './send-gates.js';
import { deliverSignalJob } from './signal-jobs.js';
import { signalMessage } from './signal-messages.js';
import type { SignalMetrics } from './signal-metrics.js';
import { toPublishedSignal } from './signal-rows.js';

export type DeliveryOutcome =
  | 'sent'
  | 'failed'
  | 'retry_scheduled'
  | 'skipped_quota'
  | 'not_due'
  | 'not_claimable'
  | 'no_platform';

/** Tests stand in for a process that dies between claiming a delivery and sending it. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
    this.name = 'SimulatedCrash';
  }
}

const maxBackoffMs = 5 * 60_000;

/**
 * Sends one delivery. The row is claimed first (queued -> sending in one statement), so of two
 * jobs for the same delivery only one sends. A process that dies after the claim leaves the row
 * in `sending`, and nothing ever picks `sending` up again: the member may miss that signal, but
 * never gets it twice (the rule of core/notifications/notify.ts). Such rows show in the
 * delivery counts, and a moderator can see them by status.
 *
 * The daily quota is reserved on the first claim with one atomic statement; a retry after a
 * 429 or 5xx does not reserve again.
 */
export function createSignalSender(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  registry: AccessStrategyRegistry;
  quotas: Pick<QuotaCounters, 'reserveMany'>;
  gates: SignalSendGates;
  metrics: SignalMetrics;
  sendQuotaNotice: SendQuotaNotice;
  maxAttempts: number;
  retryBaseMs: number;
  /** Fault injection for tests: throw SimulatedCrash to die after the claim. */
  beforeSend?: (deliveryId: string) => void;
}) {
  const { db, clock, queue } = deps;
  // Signals never change once stored: one read serves every delivery of a fan-out.
  const signalCache = new LRUCache<string, PublishedSignal>({ max: 1000 });

  async function signalOf(signalId: string) {
    const cached = signalCache.get(signalId);
    if (cached) return cached;
    const [row] = await db.select().from(signals).where(eq(signals.id, signalId));
    const signal = toPublishedSignal(row!);
    signalCache.set(signalId, signal);
    return signal;
  }

  const count = (row: { platform: string; kind: string }, status: string) =>
    deps.metrics.deliveries.inc({ platform: row.platform, kind: row.kind, status });

  // A fan-out claims and marks thousands of rows a second: concurrent sends share one statement.
  const claim = createGroupCommit(async (ids: string[]) => {
    const now = clock.now();
    const rows = await db
      .update(signalDeliveries)
      .set({ status: 'sending', claimedAt: now, attempts: sql`${signalDeliveries.attempts} + 1` })
      .where(
        and(inArray(signalDeliveries.id, ids), eq(signalDeliveries.status, 'queued'), lte(signalDeliveries.dueAt, now)),
      )
      .returning();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
  // One atomic upsert per batch, each member still checked against their own limit.
  const reserveQuota = createGroupCommit((reservations: QuotaReservation[]) => deps.quotas.reserveMany(reservations));
  const markSent = createGroupCommit(async (ids: string[]) => {
    await db
      .update(signalDeliveries)
      .set({ status: 'sent', sentAt: clock.now(), errorCode: null })
      .where(and(inArray(signalDeliveries.id, ids), eq(signalDeliveries.status, 'sending')));
    return ids.map(() => undefined);
  });

  async function finish(id: string, values: Partial<typeof signalDeliveries.$inferInsert>) {
    await db.update(signalDeliveries).set(values).where(eq(signalDeliveries.id, id));
  }

  /** A not-yet-due delivery whose job ran early (clock skew between processes) waits for its time. */
  async function requeueIfEarly(deliveryId: string) {
    const [row] = await db
      .select({ status: signalDeliveries.status, dueAt: signalDeliveries.dueAt })
      .from(signalDeliveries)
      .where(eq(signalDeliveries.id, deliveryId));
    if (row?.status !== 'queued') return 'not_claimable';
    const delayMs = row.dueAt.getTime() - clock.now().getTime();
    await queue.enqueue(
      deliverSignalJob,
      { deliveryId },
      { jobId: `${deliveryId}-due-${row.dueAt.getTime()}`, delayMs: Math.max(0, delayMs) },
    );
    return 'not_due';
  }

  return async function deliver(deliveryId: string): Promise<DeliveryOutcome> {
    const claimed = await claim(deliveryId);
    if (!claimed) return requeueIfEarly(deliveryId);

    if (claimed.kind === 'dm' && claimed.userId && claimed.attempts === 1) {
      const reservation = await reserveQuota({
        userId: claimed.userId,
        quota: 'signals_per_day',
        amount: 1,
        limit: claimed.dailyLimit,
      });
      if (!reservation.granted) {
        await finish(claimed.id, { status: 'skipped_quota' });
        count(claimed, 'skipped_quota');
        await deps.sendQuotaNotice({
          userId: claimed.userId,
          planId: claimed.planId,
          limit: claimed.dailyLimit,
          platform: claimed.platform,
          externalId: claimed.target,
        });
        return 'skipped_quota';
      }
    }

    const registered = deps.registry.platform(claimed.platform);
    if (!registered) {
      // The bot is not running here any more; nothing to send with.
      await finish(claimed.id, { status: 'failed', errorCode: 'platform_not_registered' });
      count(claimed, 'failed');
      return 'no_platform';
    }
    deps.beforeSend?.(claimed.id);
    const message = signalMessage(await signalOf(claimed.signalId));
    const platformName = claimed.platform as ChatPlatformName;
    try {
      await deps.gates.run(platformName, claimed.target, () =>
        claimed.kind === 'channel'
          ? registered.platform.sendChannelMessage(claimed.target, message)
          : registered.platform.sendDirectMessage(claimed.target, message),
      );
    } catch (error) {
      const errorCode = isPlatformError(error) ? error.code : 'signal_send_failed';
      const retryable = isPlatformError(error) && error.retryable;
      if (retryable && claimed.attempts < deps.maxAttempts) {
        const retryAfterMs = isPlatformError(error) ? error.retryAfterMs : undefined;
        if (retryAfterMs !== undefined) deps.gates.pause(platformName, retryAfterMs);
        const delayMs = retryAfterMs ?? Math.min(maxBackoffMs, deps.retryBaseMs * 2 ** (claimed.attempts - 1));
        await finish(claimed.id, {
          status: 'queued',
          errorCode,
          dueAt: new Date(clock.now().getTime() + delayMs),
        });
        count(claimed, 'retried');
        await queue.enqueue(
          deliverSignalJob,
          { deliveryId: claimed.id },
          { jobId: `${claimed.id}-retry-${claimed.attempts}`, delayMs },
        );
        return 'retry_scheduled';
      }
      await finish(claimed.id, { status: 'failed', errorCode });
      count(claimed, 'failed');
      deps.logger.warn({ err: error, deliveryId, platform: claimed.platform }, 'signal delivery failed');
      return 'failed';
    }
    await markSent(claimed.id);
    count(claimed, 'sent');
    return 'sent';
  };
}

export type DeliverSignal = ReturnType<typeof createSignalSender>;
