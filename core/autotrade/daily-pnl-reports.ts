import { and, asc, count, eq, gt, gte, inArray, lt, sum } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { autotradeAccounts, autotradeFills, notifications } from '../../db/schema/index.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { utcDay } from '../entitlements/quota-counters.js';
import { formatDate, formatMoney } from '../formatting.js';
import type { NotificationKind } from '../notifications/access-transition.js';
import type { Notify } from '../notifications/notify.js';
import type { DirectMessage } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { AutotradeAccounts } from './autotrade-accounts.js';
import { signedMoney } from './signed-money.js';

export const dailyReportFeature = 'daily_pnl_reports';
const reportKind: NotificationKind = 'daily_pnl_report';
const dayMs = 86_400_000;
const batchSize = 200;

/** When today's report is due: the configured UTC hour of the current UTC day. */
export function reportTimeOfDay(now: Date, reportHourUtc: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), reportHourUtc));
}

/**
 * The VIP daily PnL DM. Runs hourly; from the configured hour on it sends each VIP account
 * holder today's report, keyed `autotrade-report:<user>:<day>` in the notifier, so a later
 * run the same day (or a second worker) sends nothing again and a worker that was down at
 * the hour catches up. The report covers the 24 hours before the report time, whenever it runs.
 */
export async function sendDailyPnlReports(deps: {
  db: Database;
  clock: Clock;
  notify: Notify;
  entitlements: Pick<EntitlementService, 'get'>;
  accounts: Pick<AutotradeAccounts, 'status'>;
  reportHourUtc: number;
}): Promise<number> {
  const now = deps.clock.now();
  const reportAt = reportTimeOfDay(now, deps.reportHourUtc);
  if (now < reportAt) return 0;
  const windowStart = new Date(reportAt.getTime() - dayMs);
  const day = utcDay(reportAt);
  const keyOf = (userId: string) => `autotrade-report:${userId}:${day}`;

  let sent = 0;
  let afterId: string | undefined;
  for (;;) {
    const accounts = await deps.db
      .select({ id: autotradeAccounts.id, userId: autotradeAccounts.userId })
      .from(autotradeAccounts)
      .where(and(eq(autotradeAccounts.enabled, true), afterId ? gt(autotradeAccounts.id, afterId) : undefined))
      .orderBy(asc(autotradeAccounts.id))
      .limit(batchSize);
    if (accounts.length === 0) break;
    // Reports already handled today are skipped before any PnL is computed for them.
    const handled = new Set(
      (
        await deps.db
          .select({ key: notifications.dedupeKey })
          .from(notifications)
          .where(
            and(
              inArray(
                notifications.dedupeKey,
                accounts.map((account) => keyOf(account.userId)),
              ),
              inArray(notifications.status, ['sent', 'sending', 'no_channel']),
            ),
          )
      ).map((row) => row.key),
    );
    for (const account of accounts) {
      if (handled.has(keyOf(account.userId))) continue;
      const view = await deps.entitlements.get(account.userId);
      if (!view.features.includes(dailyReportFeature)) continue;
      const [today] = await deps.db
        .select({ realised: sum(autotradeFills.realisedPnlMinor), fills: count() })
        .from(autotradeFills)
        .where(
          and(
            eq(autotradeFills.accountId, account.id),
            gte(autotradeFills.filledAt, windowStart),
            lt(autotradeFills.filledAt, reportAt),
          ),
        );
      const status = await deps.accounts.status(account.userId);
      const message = reportMessage({
        reportAt,
        realisedMinor: Number(today?.realised ?? 0),
        fills: today?.fills ?? 0,
        unrealisedMinor: status.unrealisedPnlMinor,
        balanceMinor: status.account?.balanceMinor ?? 0,
        openPositions: status.openPositions,
        currency: status.account?.currency ?? 'usd',
      });
      if ((await deps.notify(account.userId, reportKind, keyOf(account.userId), message)) === 'sent') sent += 1;
    }
    if (accounts.length < batchSize) break;
    afterId = accounts.at(-1)!.id;
  }
  return sent;
}

function reportMessage(report: {
  reportAt: Date;
  realisedMinor: number;
  fills: number;
  unrealisedMinor: number;
  balanceMinor: number;
  openPositions: number;
  currency: string;
}): DirectMessage {
  const money = (amount: number) => signedMoney(amount, report.currency);
  return {
    text: [
      `Your paper trading day to ${formatDate(report.reportAt)}, ${String(report.reportAt.getUTCHours()).padStart(2, '0')}:00 UTC:`,
      `realised ${money(report.realisedMinor)} over ${report.fills} fill${report.fills === 1 ? '' : 's'},`,
      `unrealised ${money(report.unrealisedMinor)} on ${report.openPositions} open position${report.openPositions === 1 ? '' : 's'},`,
      `balance ${formatMoney(report.balanceMinor, report.currency)}. Send /autotrade status for details.`,
    ].join(' '),
  };
}
