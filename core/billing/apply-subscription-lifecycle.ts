import { and, eq, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { subscriptions } from '../../db/schema/index.js';
import type { SubscriptionSnapshot } from '../ports/payment-provider.js';

/**
 * The columns a provider's snapshot decides whatever the items are. Grace counts from the first
 * time we saw the subscription past due, not from each later update.
 */
export const lifecycleColumns = (snapshot: SubscriptionSnapshot, pastDueSince: Date | null, now: Date) => ({
  status: snapshot.status,
  cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
  currentPeriodStart: snapshot.currentPeriodStart,
  currentPeriodEnd: snapshot.currentPeriodEnd,
  trialEnd: snapshot.trialEnd,
  canceledAt: snapshot.canceledAt,
  endedAt: snapshot.endedAt,
  pastDueSince: snapshot.status === 'past_due' ? (pastDueSince ?? now) : null,
  observedAt: snapshot.observedAt,
  updatedAt: now,
});

/**
 * Stores only the lifecycle of a subscription we already know (status, cancellation, period),
 * keeping its stored plan. For when the provider has applied a cancel or resume but one of the
 * subscription's prices is not in our catalog: the provider's answer is a fact, so it must be
 * recorded rather than reported as a failure, and what the items are is left to the webhook
 * once the catalog knows the price. An older observation never overwrites a newer one.
 * Returns the user whose facts changed (or null when nothing was written).
 */
export async function applySubscriptionLifecycle(
  executor: Executor,
  provider: string,
  snapshot: SubscriptionSnapshot,
  now: Date,
  /** When the subscription fell past due, if earlier than now (our own clock noticing a lapse late). */
  lapsedAt?: Date,
): Promise<string | null> {
  const [existing] = await executor
    .select({ pastDueSince: subscriptions.pastDueSince })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, provider),
        eq(subscriptions.providerSubscriptionId, snapshot.providerSubscriptionId),
      ),
    );
  const written = await executor
    .update(subscriptions)
    .set({
      ...lifecycleColumns(snapshot, existing?.pastDueSince ?? lapsedAt ?? null, now),
      version: sql`${subscriptions.version} + 1`,
    })
    .where(
      and(
        eq(subscriptions.provider, provider),
        eq(subscriptions.providerSubscriptionId, snapshot.providerSubscriptionId),
        lte(subscriptions.observedAt, snapshot.observedAt),
      ),
    )
    .returning({ userId: subscriptions.userId });
  return written[0]?.userId ?? null;
}
