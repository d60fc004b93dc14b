import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { subscriptions } from '../../../db/schema/index.js';
import type { CryptoProviderName } from '../../ports/payment-provider.js';
import { addCalendarMonths } from '../add-calendar-months.js';
import { applySubscriptionLifecycle } from '../apply-subscription-lifecycle.js';
import { applySubscriptionSnapshot } from '../apply-subscription-snapshot.js';
import { cryptoSubscriptionSnapshot, nextObservation, periodMonths } from './crypto-subscription-snapshot.js';

export interface BoughtPeriod {
  providerSubscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
}

/**
 * A paid crypto invoice for a recurring price buys one period of the member's crypto
 * subscription line for that plan. A live line (active, or past due within grace) continues
 * from where its period stops, or from now when that is already past: never a double period,
 * never a gap charged. A lapsed line is ended and a fresh one starts at payment time.
 */
export async function grantCryptoPeriod(
  executor: Executor,
  input: {
    provider: CryptoProviderName;
    userId: string;
    planId: string;
    planPriceId: string;
    interval: string;
    now: Date;
    gracePeriodMs: number;
  },
): Promise<BoughtPeriod> {
  const { now } = input;
  const [line] = await executor
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, input.provider),
        eq(subscriptions.userId, input.userId),
        eq(subscriptions.planId, input.planId),
        inArray(subscriptions.status, ['active', 'past_due']),
      ),
    )
    .orderBy(desc(subscriptions.currentPeriodEnd))
    .limit(1)
    .for('update');

  let continued = line;
  if (line?.status === 'past_due') {
    const since = line.pastDueSince ?? line.currentPeriodEnd ?? now;
    const graceEnds = new Date(since.getTime() + input.gracePeriodMs);
    if (graceEnds.getTime() <= now.getTime()) {
      // The clock has not ended it yet; end it where grace ended, then start afresh.
      await applySubscriptionLifecycle(
        executor,
        input.provider,
        cryptoSubscriptionSnapshot(line, { status: 'canceled', endedAt: graceEnds, canceledAt: graceEnds }, now),
        now,
      );
      continued = undefined;
    }
  }

  const stoppedAt = continued?.currentPeriodEnd ?? now;
  const periodStart = stoppedAt.getTime() > now.getTime() ? stoppedAt : now;
  const periodEnd = addCalendarMonths(periodStart, periodMonths(input.interval));
  const providerSubscriptionId = continued?.providerSubscriptionId ?? `crypto_${randomUUID()}`;
  await applySubscriptionSnapshot(
    executor,
    input.provider,
    {
      providerSubscriptionId,
      providerCustomerId: null,
      userId: input.userId,
      status: 'active',
      items: [{ planPriceId: input.planPriceId, providerPriceId: null, quantity: 1 }],
      // Paying again is choosing to continue: a pending cancel at period end is withdrawn.
      cancelAtPeriodEnd: false,
      currentPeriodStart: periodStart,
      currentPeriodEnd: periodEnd,
      trialEnd: null,
      canceledAt: null,
      endedAt: null,
      observedAt: nextObservation(continued?.observedAt ?? null, now),
    },
    now,
  );
  return { providerSubscriptionId, periodStart, periodEnd };
}
