import { and, eq, inArray, lte, or } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/client.js';
import { subscriptions } from '../../../db/schema/index.js';
import type { EntitlementService } from '../../entitlements/entitlement-service.js';
import type { Clock } from '../../ports/clock.js';
import { cryptoProviderNames } from '../../ports/payment-provider.js';
import { applySubscriptionLifecycle } from '../apply-subscription-lifecycle.js';
import { lockMemberMoney } from './crypto-balance.js';
import { cryptoSubscriptionSnapshot } from './crypto-subscription-snapshot.js';
import { type BalanceRenewal, renewFromBalance } from './renew-from-balance.js';

export interface ClockOutcome {
  renewed: BalanceRenewal[];
  pastDue: number;
  ended: number;
}

/**
 * Crypto subscriptions have no processor to end them: our clock does, through the same
 * lifecycle path as card snapshots. A period that ended renews from the member's crypto balance
 * when it covers the price (unless the member canceled), else falls past due from its period
 * end; past due past grace ends. Each step re-reads its row under lock and is keyed, so two
 * runs at once, or one run twice, move each subscription once.
 */
export async function runCryptoSubscriptionClock(deps: {
  db: Database;
  entitlements: Pick<EntitlementService, 'commitAndRecompute'>;
  clock: Clock;
  gracePeriodMs: number;
  vaultBasisPoints: number;
}): Promise<ClockOutcome> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        inArray(subscriptions.provider, [...cryptoProviderNames]),
        or(
          and(eq(subscriptions.status, 'active'), lte(subscriptions.currentPeriodEnd, now)),
          eq(subscriptions.status, 'past_due'),
        ),
      ),
    );
  const outcome: ClockOutcome = { renewed: [], pastDue: 0, ended: 0 };
  for (const { id } of due) {
    const { value } = await deps.entitlements.commitAndRecompute(async (transaction) => {
      const step = await advance(transaction, id, now, deps);
      return { value: step, userIds: step.userId ? [step.userId] : [] };
    });
    if (value.renewed) outcome.renewed.push(value.renewed);
    if (value.kind === 'past_due') outcome.pastDue += 1;
    if (value.kind === 'ended') outcome.ended += 1;
  }
  return outcome;
}

type Step = { kind: 'none' | 'renewed' | 'past_due' | 'ended'; userId: string | null; renewed?: BalanceRenewal };

async function advance(
  executor: Executor,
  subscriptionId: string,
  now: Date,
  deps: { gracePeriodMs: number; vaultBasisPoints: number },
): Promise<Step> {
  const [peek] = await executor
    .select({ userId: subscriptions.userId })
    .from(subscriptions)
    .where(eq(subscriptions.id, subscriptionId));
  if (!peek) return { kind: 'none', userId: null };
  // The member's money lock first (as invoice facts take it), then the row as it is now.
  await lockMemberMoney(executor, peek.userId);
  const [line] = await executor.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for('update');
  if (!line?.currentPeriodEnd) return { kind: 'none', userId: null };
  const periodEnd = line.currentPeriodEnd;
  const move = async (kind: 'past_due' | 'ended', changes: Parameters<typeof cryptoSubscriptionSnapshot>[1]) => {
    await applySubscriptionLifecycle(
      executor,
      line.provider,
      cryptoSubscriptionSnapshot(line, changes, now),
      now,
      // Grace counts from the period's end, however late the clock noticed it.
      periodEnd,
    );
    return { kind, userId: line.userId } satisfies Step;
  };
  const renew = async (periodStart: Date): Promise<Step | null> => {
    if (line.cancelAtPeriodEnd) return null;
    const renewed = await renewFromBalance(executor, {
      line,
      periodStart,
      now,
      vaultBasisPoints: deps.vaultBasisPoints,
    });
    return renewed ? { kind: 'renewed', userId: line.userId, renewed } : null;
  };

  if (line.status === 'active' && periodEnd.getTime() <= now.getTime()) {
    // On time: the next period follows the last one exactly.
    const renewed = await renew(periodEnd);
    if (renewed) return renewed;
    if (line.cancelAtPeriodEnd) return move('ended', { status: 'canceled', canceledAt: periodEnd, endedAt: periodEnd });
    return move('past_due', { status: 'past_due' });
  }
  if (line.status === 'past_due') {
    const graceEnds = new Date((line.pastDueSince ?? periodEnd).getTime() + deps.gracePeriodMs);
    if (graceEnds.getTime() <= now.getTime())
      return move('ended', { status: 'canceled', canceledAt: graceEnds, endedAt: graceEnds });
    // Credit that arrived during grace renews from now, like a late invoice: the gap is not charged.
    const renewed = await renew(now);
    if (renewed) return renewed;
  }
  return { kind: 'none', userId: null };
}
