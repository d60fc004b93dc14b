import { and, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { signalChannels, signalDeliveries, signals } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { computeEntitlements } from '../entitlements/compute-entitlements.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { utcDay } from '../entitlements/quota-counters.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { deliverSignalJob } from './signal-jobs.js';
import type { SignalMetrics } from './signal-metrics.js';
import { recipientPage, type SignalRecipient } from './signal-recipients.js';
import type { SignalRow } from './signal-rows.js';

type NewDelivery = typeof signalDeliveries.$inferInsert;

const dayMs = 86_400_000;
const channelLock = sql`select pg_advisory_xact_lock(hashtextextended('signals:channels', 0))`;

export interface PlanRunOptions {
  /** Stop after this many batches (a worker that dies mid fan-out, in tests); undefined: to the end. */
  maxBatches?: number;
}

/**
 * Turns one signal into delivery rows, a page of members at a time. Each page's rows go in with
 * on-conflict-do-nothing on (signal, recipient), their send jobs are enqueued, and only then is
 * the cursor moved past them: a planner that dies anywhere in a page redoes it, inserts nothing
 * twice, and any row whose job was never enqueued is found by the sweeper.
 */
export function createFanoutPlanner(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  registry: AccessStrategyRegistry;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  metrics: SignalMetrics;
  batchSize: number;
}) {
  const { db, clock, queue } = deps;

  async function enqueueSends(rows: Array<{ id: string; dueAt: Date; status: string }>) {
    const now = clock.now().getTime();
    for (const row of rows) {
      if (row.status !== 'queued') continue;
      // Delayed tiers are delayed jobs; the delivery id as job id keeps a re-plan from doubling it.
      await queue.enqueue(
        deliverSignalJob,
        { deliveryId: row.id },
        {
          jobId: row.id,
          delayMs: Math.max(0, row.dueAt.getTime() - now),
        },
      );
    }
  }

  async function insertDeliveries(values: NewDelivery[]) {
    if (values.length === 0) return [];
    const inserted = await db.insert(signalDeliveries).values(values).onConflictDoNothing().returning({
      id: signalDeliveries.id,
      dueAt: signalDeliveries.dueAt,
      status: signalDeliveries.status,
      platform: signalDeliveries.platform,
      kind: signalDeliveries.kind,
    });
    for (const row of inserted)
      deps.metrics.deliveries.inc({ platform: row.platform, kind: row.kind, status: row.status });
    return inserted;
  }

  /**
   * One post per tier channel. Channel posts count against the tier's daily limit too; the
   * count and the insert run under one lock, so two signals planned at once cannot both take
   * the last slot of the day.
   */
  async function planChannels(signal: SignalRow, platforms: string[]) {
    if (platforms.length === 0) return;
    const plans = await deps.catalog.planIndex();
    const now = clock.now();
    const dayStart = new Date(`${utcDay(now)}T00:00:00.000Z`);
    const inserted = await db.transaction(async (transaction) => {
      await transaction.execute(channelLock);
      const channels = await transaction
        .select()
        .from(signalChannels)
        .where(inArray(signalChannels.platform, platforms));
      const values: NewDelivery[] = [];
      for (const channel of channels) {
        const plan = plans.get(channel.planId);
        if (!plan) continue;
        const recipientKey = `channel:${channel.platform}:${channel.channelId}`;
        const limit = plan.quotas.signals_per_day ?? 0;
        const [today] = await transaction
          .select({ count: sql<number>`count(*)::int` })
          .from(signalDeliveries)
          .where(
            and(
              eq(signalDeliveries.recipientKey, recipientKey),
              inArray(signalDeliveries.status, ['queued', 'sending', 'sent']),
              gte(signalDeliveries.createdAt, dayStart),
              lt(signalDeliveries.createdAt, new Date(dayStart.getTime() + dayMs)),
            ),
          );
        values.push({
          signalId: signal.id,
          recipientKey,
          userId: null,
          kind: 'channel',
          platform: channel.platform,
          target: channel.channelId,
          status: (today?.count ?? 0) < limit ? 'queued' : 'skipped_quota',
          planId: plan.id,
          dailyLimit: limit,
          dueAt: new Date(signal.publishedAt.getTime() + (plan.quotas.signal_delay_seconds ?? 0) * 1000),
          createdAt: now,
        });
      }
      if (values.length === 0) return [];
      return transaction
        .insert(signalDeliveries)
        .values(values)
        .onConflictDoNothing()
        .returning({ id: signalDeliveries.id, dueAt: signalDeliveries.dueAt, status: signalDeliveries.status });
    });
    await enqueueSends(inserted);
  }

  async function tiersOf(page: SignalRecipient[]) {
    const now = clock.now();
    const plans = await deps.catalog.planIndex();
    // A member with no stored entitlement has no facts: what the catalog gives nobody in particular.
    const nobody = computeEntitlements(
      { userId: '', subscriptions: [], purchases: [], grants: [], freezes: [] },
      plans,
      { gracePeriodMs: 0, renewalLeewayMs: 0 },
      now,
    );
    const tiers = new Map<string, { tier: string; quotas: Record<string, number> }>();
    for (const recipient of page) {
      if (recipient.tier === null || recipient.quotas === null)
        tiers.set(recipient.userId, { tier: nobody.tier, quotas: nobody.quotas });
      else if (recipient.recheckAt && recipient.recheckAt <= now) {
        // Time alone changed it (a period or grant ended): recompute before deciding.
        const view = await deps.entitlements.get(recipient.userId);
        tiers.set(recipient.userId, { tier: view.tier, quotas: view.quotas });
      } else tiers.set(recipient.userId, { tier: recipient.tier, quotas: recipient.quotas });
    }
    return tiers;
  }

  async function planPage(signal: SignalRow, page: SignalRecipient[], channelPlatforms: Set<string>) {
    const now = clock.now();
    const tiers = await tiersOf(page);
    const values: NewDelivery[] = page.map((recipient) => {
      const { tier, quotas } = tiers.get(recipient.userId)!;
      const limit = quotas.signals_per_day ?? 0;
      const viaChannel = recipient.mode === 'channel' && channelPlatforms.has(`${tier}:${recipient.platform}`);
      const status = !recipient.enabled
        ? 'skipped_opt_out'
        : viaChannel
          ? 'via_channel'
          : limit <= 0
            ? 'skipped_quota'
            : 'queued';
      return {
        signalId: signal.id,
        recipientKey: `user:${recipient.userId}`,
        userId: recipient.userId,
        kind: 'dm',
        platform: recipient.platform,
        target: recipient.externalId,
        status,
        planId: tier,
        dailyLimit: limit,
        dueAt: new Date(signal.publishedAt.getTime() + (quotas.signal_delay_seconds ?? 0) * 1000),
        createdAt: now,
      };
    });
    await enqueueSends(await insertDeliveries(values));
  }

  return async function planFanout(signalId: string, options: PlanRunOptions = {}): Promise<'planned' | 'incomplete'> {
    const [signal] = await db.select().from(signals).where(eq(signals.id, signalId));
    if (!signal || signal.fanoutStatus === 'planned') return 'planned';
    const platforms = deps.registry.names();
    if (signal.fanoutCursor === null) await planChannels(signal, platforms);
    const channelRows = await db.select().from(signalChannels).where(inArray(signalChannels.platform, platforms));
    const channelPlatforms = new Set(channelRows.map((row) => `${row.planId}:${row.platform}`));
    let cursor = signal.fanoutCursor;
    let batches = 0;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return 'incomplete';
      const page = await recipientPage(db, { platforms, afterUserId: cursor, limit: deps.batchSize });
      if (page.length === 0) break;
      await planPage(signal, page, channelPlatforms);
      cursor = page.at(-1)!.userId;
      // Only forward: a second planner racing on the same signal never moves it back.
      await db
        .update(signals)
        .set({ fanoutCursor: cursor, fanoutUpdatedAt: clock.now() })
        .where(and(eq(signals.id, signalId), or(isNull(signals.fanoutCursor), lt(signals.fanoutCursor, cursor))));
      batches += 1;
      if (page.length < deps.batchSize) break;
    }
    await db
      .update(signals)
      .set({ fanoutStatus: 'planned', fanoutUpdatedAt: clock.now() })
      .where(eq(signals.id, signalId));
    deps.logger.info({ signalId, sequence: signal.sequence }, 'signal fan-out planned');
    return 'planned';
  };
}

export type PlanFanout = ReturnType<typeof createFanoutPlanner>;
