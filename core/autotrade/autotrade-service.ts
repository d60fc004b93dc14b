import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { defineJob } from '../jobs/job-registry.js';
import type { Notify } from '../notifications/notify.js';
import type { Clock } from '../ports/clock.js';
import type { PriceFeed } from '../ports/price-feed.js';
import type { Queue } from '../ports/queue.js';
import { type PublishedSignal, publishedSignalPayload } from '../signals/published-signal.js';
import { createAutotradeAccounts } from './autotrade-accounts.js';
import { sendDailyPnlReports } from './daily-pnl-reports.js';
import { followSignal } from './follow-signal.js';
import { createPaperBroker } from './paper-broker.js';
import { sweepUnfollowedSignals } from './sweep-unfollowed-signals.js';

export const followSignalJob = 'autotrade.follow-signal';

export interface AutotradeSettings {
  startingBalanceMinor: number;
  positionNotionalMinor: number;
  currency: string;
  orderTtlMs: number;
  reportHourUtc: number;
}

/**
 * The autotrade sandbox: paper accounts that follow published signals through the paper
 * broker, priced by the feed. Live execution would swap the broker, nothing else.
 */
export function createAutotradeService(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  queue: Queue;
  feed: PriceFeed;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  notify: Notify;
  settings: AutotradeSettings;
}) {
  const { db, clock, logger, settings } = deps;
  const broker = createPaperBroker({ db, feed: deps.feed, clock, logger });
  const accounts = createAutotradeAccounts({
    db,
    clock,
    entitlements: deps.entitlements,
    catalog: deps.catalog,
    broker,
    startingBalanceMinor: settings.startingBalanceMinor,
    positionNotionalMinor: settings.positionNotionalMinor,
    currency: settings.currency,
  });

  let matching: ReturnType<typeof broker.match> | undefined;
  const follow = (signal: PublishedSignal) =>
    followSignal(
      { db, clock, broker, entitlements: deps.entitlements, logger, orderTtlMs: settings.orderTtlMs },
      signal,
    );
  const enqueueFollow = (signal: PublishedSignal) =>
    deps.queue.enqueue(followSignalJob, { signal }, { jobId: `autotrade-follow-${signal.id}` });

  return {
    broker,
    feed: deps.feed,
    enable: accounts.enable,
    disable: accounts.disable,
    status: accounts.status,
    /** Places one order per following account, now (the job's work; tests call it directly). */
    onSignalPublished: follow,
    /** The core.signals listener: a job, so a publisher never waits for every account's order. */
    signalPublished: enqueueFollow,
    /** Signals whose follow job was lost are enqueued again (the worker runs it every minute). */
    sweepUnfollowedSignals: () =>
      sweepUnfollowedSignals({ db, clock, orderTtlMs: settings.orderTtlMs, graceMs: 60_000, follow: enqueueFollow }),
    jobs: [
      defineJob({
        name: followSignalJob,
        payload: z.object({ signal: publishedSignalPayload }),
        handle: async ({ signal }) => {
          await follow(signal);
        },
      }),
    ],
    /** Fills pending orders and closes positions against the feed (the match cron); one run at a time per process. */
    matchPositions() {
      matching ??= broker.match().finally(() => {
        matching = undefined;
      });
      return matching;
    },
    /** The hourly job behind the VIP daily report. */
    sendDailyReports: () =>
      sendDailyPnlReports({
        db,
        clock,
        notify: deps.notify,
        entitlements: deps.entitlements,
        accounts,
        reportHourUtc: settings.reportHourUtc,
      }),
  };
}

export type AutotradeService = ReturnType<typeof createAutotradeService>;
