import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { planPrices, subscriptions } from '../../../db/schema/index.js';
import type { Notify } from '../../notifications/notify.js';
import type { Clock } from '../../ports/clock.js';
import { cryptoProviderNames } from '../../ports/payment-provider.js';
import { balanceIn, readCryptoBalance } from './crypto-balance.js';
import { cryptoMessages } from './crypto-messages.js';

const dayMs = 86_400_000;

/**
 * Crypto has no card on file, so a renewal is the member paying again: they get a renewal link
 * `reminderDays` ahead of the period end and again on its last day (or, when their crypto credit
 * covers the price, word that it will renew from it). One DM per stage and period, by key;
 * the link stays valid through the grace period, so a late payer can still use it.
 */
/** A personal crypto checkout link for the plan, valid until the given moment. */
export type RenewalLink = (input: {
  userId: string;
  planId: string;
  interval: 'month' | 'year';
  validUntil: Date;
}) => Promise<string>;

export async function sendCryptoRenewalReminders(deps: {
  db: Database;
  clock: Clock;
  notify: Notify;
  planNames: () => Promise<ReadonlyMap<string, string>>;
  renewalLink: RenewalLink;
  reminderDays: number;
  gracePeriodMs: number;
}): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ line: subscriptions, price: planPrices })
    .from(subscriptions)
    .innerJoin(planPrices, eq(planPrices.id, subscriptions.planPriceId))
    .where(
      and(
        inArray(subscriptions.provider, [...cryptoProviderNames]),
        eq(subscriptions.status, 'active'),
        eq(subscriptions.cancelAtPeriodEnd, false),
        gt(subscriptions.currentPeriodEnd, now),
        lte(subscriptions.currentPeriodEnd, new Date(now.getTime() + deps.reminderDays * dayMs)),
      ),
    );
  if (due.length === 0) return 0;
  const names = await deps.planNames();
  let sent = 0;
  for (const { line, price } of due) {
    const periodEnd = line.currentPeriodEnd;
    if (!periodEnd || (price.interval !== 'month' && price.interval !== 'year')) continue;
    const stage = periodEnd.getTime() - now.getTime() <= dayMs ? 'last_day' : 'ahead';
    const planName = names.get(line.planId) ?? line.planId;
    const credit = balanceIn(await readCryptoBalance(deps.db, line.userId), price.currency);
    const message =
      credit >= price.amountMinor
        ? cryptoMessages.renewsFromCredit(planName, periodEnd, price)
        : cryptoMessages.renewalInvoice(
            planName,
            periodEnd,
            price,
            stage,
            await deps.renewalLink({
              userId: line.userId,
              planId: line.planId,
              interval: price.interval,
              validUntil: new Date(periodEnd.getTime() + deps.gracePeriodMs),
            }),
          );
    const key = `crypto-renewal-reminder:${line.id}:${periodEnd.toISOString()}:${stage}`;
    if ((await deps.notify(line.userId, 'renewal_coming', key, message)) === 'sent') sent += 1;
  }
  return sent;
}
