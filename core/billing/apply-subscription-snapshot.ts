import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { subscriptions } from '../../db/schema/index.js';
import { notYet } from '../errors.js';
import type { SubscriptionSnapshot } from '../ports/payment-provider.js';
import { lifecycleColumns } from './apply-subscription-lifecycle.js';
import { resolvePriceItems } from './resolve-price-items.js';
import { resolveUserId } from './resolve-user.js';

/**
 * Stores the provider's current view of a subscription. Arrival order does not matter: a
 * snapshot observed earlier than the stored one is dropped by the database itself.
 * Returns the user whose facts changed (or null when nothing was written).
 */
export async function applySubscriptionSnapshot(
  executor: Executor,
  provider: string,
  snapshot: SubscriptionSnapshot,
  now: Date,
): Promise<string | null> {
  const userId = await resolveUserId(executor, provider, {
    userId: snapshot.userId,
    providerCustomerId: snapshot.providerCustomerId,
    providerSubscriptionId: snapshot.providerSubscriptionId,
  });
  const items = await resolvePriceItems(executor, snapshot.items);
  if (!items.tier)
    throw notYet('subscription_without_tier', 'The subscription has no item that maps to a tier.', {
      provider_subscription_id: snapshot.providerSubscriptionId,
    });
  const [existing] = await executor
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, provider),
        eq(subscriptions.providerSubscriptionId, snapshot.providerSubscriptionId),
      ),
    )
    .for('update');
  // Equal stamps are two looks at the current state (same millisecond, same version): either may win.
  if (existing && existing.observedAt > snapshot.observedAt) return null;
  const values = {
    userId,
    provider,
    providerSubscriptionId: snapshot.providerSubscriptionId,
    providerCustomerId: snapshot.providerCustomerId,
    planId: items.tier.planId,
    planPriceId: items.tier.planPriceId,
    addons: items.addons,
    ...lifecycleColumns(snapshot, existing?.pastDueSince ?? null, now),
  };
  const written = await executor
    .insert(subscriptions)
    // createdAt from the app clock like every other time here (the revenue report counts new
    // subscriptions by it); it is not in `values`, so an update never moves it.
    .values({ ...values, createdAt: now })
    .onConflictDoUpdate({
      target: [subscriptions.provider, subscriptions.providerSubscriptionId],
      set: { ...values, version: sql`${subscriptions.version} + 1` },
      setWhere: sql`${subscriptions.observedAt} <= ${snapshot.observedAt}`,
    })
    .returning({ id: subscriptions.id });
  return written.length ? userId : null;
}
