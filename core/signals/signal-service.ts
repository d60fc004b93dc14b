import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { signalDeliveries } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Config } from '../config.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import type { QuotaCounters } from '../entitlements/quota-counters.js';
import { defineJob } from '../jobs/job-registry.js';
import type { Metrics } from '../metrics.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { createSignalSender, SimulatedCrash } from './deliver-signal.js';
import { createFanoutPlanner, type PlanRunOptions } from './plan-signal-fanout.js';
import { createSignalPublisher } from './publish-signal.js';
import { createQuotaNotice } from './quota-notice.js';
import { createSignalSendGates } from './send-gates.js';
import { parseSignalInput } from './signal-input.js';
import { deliverSignalJob, planJobId, planSignalFanoutJob } from './signal-jobs.js';
import { createSignalMetrics } from './signal-metrics.js';
import { createSignalSettings } from './signal-preferences.js';
import { createSignalWindowCache, defaultSignalWindowOptions } from './signal-window-cache.js';
import { createSignalSweeper } from './sweep-signal-work.js';
import { verifySignalChain } from './verify-signal-chain.js';
import { createSignalReader } from './visible-signals.js';

/** Faults tests inject to play a worker dying at the worst moments. */
export interface SignalFaults {
  /** The planner stops after this many batches, as if its process died. */
  plannerDiesAfterBatches?: number;
  /** Deliveries for which the process dies after the claim and before the send. */
  crashBeforeSend?: (deliveryId: string) => boolean;
}

/**
 * Signals: publish (hash chain), fan-out by tier, delivery receipts, member choices and the
 * feed the API serves. Platform SDKs stay in bots/: sends go through the registered ChatPlatforms.
 */
export function createSignalService(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  /** Carries the publish broadcast that keeps every process's copy of the recent signals current. */
  cache: Cache;
  logger: Logger;
  config: Config;
  metrics: Pick<Metrics, 'registry'>;
  registry: AccessStrategyRegistry;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex' | 'listPlans'>;
  quotas: Pick<QuotaCounters, 'reserveMany'>;
  /** A checkout link for the plan above `planId`, for the quota notice. */
  upgradeUrl: (userId: string, planId: string) => Promise<string | undefined>;
}) {
  const { db, clock, queue, logger, config } = deps;
  const metrics = createSignalMetrics(deps.metrics);
  const faults: SignalFaults = {};
  const gates = createSignalSendGates({
    perPlatform: {
      telegram: config.SIGNAL_TELEGRAM_MESSAGES_PER_SECOND,
      discord: config.SIGNAL_DISCORD_REQUESTS_PER_SECOND,
    },
    perChat: {
      telegram: config.SIGNAL_TELEGRAM_CHAT_MESSAGES_PER_SECOND,
      slack: config.SIGNAL_SLACK_CHANNEL_MESSAGES_PER_SECOND,
    },
  });
  const settings = createSignalSettings({ db, clock });
  const window = createSignalWindowCache({
    db,
    clock,
    cache: deps.cache,
    logger,
    options: { historyDays: config.SIGNAL_HISTORY_DAYS, ...defaultSignalWindowOptions },
  });
  const reader = createSignalReader({ db, clock, historyDays: config.SIGNAL_HISTORY_DAYS, window });
  const planFanout = createFanoutPlanner({
    db,
    clock,
    queue,
    logger,
    registry: deps.registry,
    entitlements: deps.entitlements,
    catalog: deps.catalog,
    metrics,
    batchSize: config.SIGNAL_FANOUT_BATCH_SIZE,
  });
  const deliver = createSignalSender({
    db,
    clock,
    queue,
    logger,
    registry: deps.registry,
    quotas: deps.quotas,
    gates,
    metrics,
    sendQuotaNotice: createQuotaNotice({
      db,
      clock,
      logger,
      registry: deps.registry,
      catalog: deps.catalog,
      upgradeUrl: deps.upgradeUrl,
    }),
    maxAttempts: config.SIGNAL_SEND_MAX_ATTEMPTS,
    retryBaseMs: config.SIGNAL_RETRY_BASE_MS,
    beforeSend: (deliveryId) => {
      if (faults.crashBeforeSend?.(deliveryId)) throw new SimulatedCrash('between claim and send');
    },
  });
  const publisher = createSignalPublisher({
    db,
    clock,
    logger,
    startFanout: (signalId) => queue.enqueue(planSignalFanoutJob, { signalId }, { jobId: planJobId(signalId) }),
    onStored: async (signal) => {
      metrics.published.inc();
      await window.published(signal);
    },
  });
  const sweep = createSignalSweeper({ db, queue, clock });

  async function runPlanner(signalId: string, options: PlanRunOptions = {}) {
    const maxBatches = options.maxBatches ?? faults.plannerDiesAfterBatches;
    const outcome = await planFanout(signalId, maxBatches === undefined ? {} : { maxBatches });
    if (outcome === 'incomplete' && options.maxBatches === undefined)
      throw new SimulatedCrash(`after ${maxBatches} planner batches`);
    return outcome;
  }

  return {
    /** Validates and publishes; the same idempotency key publishes once. */
    publish: (raw: unknown, publishedBy: string) => publisher.publish(parseSignalInput(raw), publishedBy),
    onPublished: publisher.onPublished,
    verifyChain: () => verifySignalChain(db),
    planFanout: runPlanner,
    deliver,
    sweep,
    page: reader.page,
    latest: reader.latest,
    preference: settings.preference,
    setPreference: settings.setPreference.bind(settings),
    channels: {
      list: settings.listChannels,
      set: settings.setChannel,
      remove: settings.removeChannel,
    },
    faults,

    /** Delivery rows of one signal by status (receipts for moderators and tests). */
    async deliveryCounts(signalId: string): Promise<Record<string, number>> {
      const rows = await db
        .select({ status: signalDeliveries.status, count: sql<number>`count(*)::int` })
        .from(signalDeliveries)
        .where(eq(signalDeliveries.signalId, signalId))
        .groupBy(signalDeliveries.status);
      return Object.fromEntries(rows.map((row) => [row.status, row.count]));
    },

    async deliveryOf(signalId: string, userId: string) {
      const [row] = await db
        .select()
        .from(signalDeliveries)
        .where(and(eq(signalDeliveries.signalId, signalId), eq(signalDeliveries.recipientKey, `user:${userId}`)));
      return row;
    },

    jobs: [
      defineJob({
        name: planSignalFanoutJob,
        payload: z.object({ signalId: z.uuid() }),
        handle: async ({ signalId }) => {
          await runPlanner(signalId);
        },
      }),
      defineJob({
        name: deliverSignalJob,
        payload: z.object({ deliveryId: z.uuid() }),
        handle: async ({ deliveryId }) => {
          await deliver(deliveryId);
        },
      }),
    ],
  };
}

export type SignalService = ReturnType<typeof createSignalService>;
