import { and, eq, gt, inArray, lte, notInArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { planPrices, subscriptions } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import { cryptoProviderNames } from '../ports/payment-provider.js';
import { messages } from './notification-messages.js';
import type { Notify } from './notify.js';

/**
 * Tells members whose subscription renews within `reminderDays` (active or trialing, not
 * canceling). The key names the period, so each renewal is announced once however often
 * the daily job runs, and a reminder that failed is tried again by the next run.
 */
export async function sendRenewalReminders(deps: {
  db: Database;
  clock: Clock;
  notify: Notify;
  planNames: () => Promise<ReadonlyMap<string, string>>;
  manageUrl: (userId: string) => Promise<string>;
  reminderDays: number;
}): Promise<number> {
  const now = deps.clock.now();
  const horizon = new Date(now.getTime() + deps.reminderDays * 86_400_000);
  const due = await deps.db
    .select({
      id: subscriptions.id,
      userId: subscriptions.userId,
      planId: subscriptions.planId,
      periodEnd: subscriptions.currentPeriodEnd,
      amountMinor: planPrices.amountMinor,
      currency: planPrices.currency,
    })
    .from(subscriptions)
    .leftJoin(planPrices, eq(planPrices.id, subscriptions.planPriceId))
    .where(
      and(
        inArray(subscriptions.status, ['active', 'trialing']),
        // Crypto renews only when paid again: its reminders carry a pay link (core/billing/crypto).
        notInArray(subscriptions.provider, [...cryptoProviderNames]),
        eq(subscriptions.cancelAtPeriodEnd, false),
        gt(subscriptions.currentPeriodEnd, now),
        lte(subscriptions.currentPeriodEnd, horizon),
      ),
    );
  if (due.length === 0) return 0;
  const names = await deps.planNames();
  let sent = 0;
  for (const row of due) {
    if (!row.periodEnd) continue;
    const price =
      row.amountMinor !== null && row.currency !== null
        ? { amountMinor: row.amountMinor, currency: row.currency }
        : undefined;
    const message = messages.renewalComing(
      names.get(row.planId) ?? row.planId,
      row.periodEnd,
      price,
      await deps.manageUrl(row.userId),
    );
    const key = `renewal:${row.id}:${row.periodEnd.toISOString()}`;
    if ((await deps.notify(row.userId, 'renewal_coming', key, message)) === 'sent') sent += 1;
  }
  return sent;
}
