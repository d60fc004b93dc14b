import { and, eq, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { providerCustomers, purchases, subscriptions, users } from '../../db/schema/index.js';
import { notYet } from '../errors.js';
import { survivingUserId } from '../identity/fold-users.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserHints {
  userId?: string | null;
  providerCustomerId?: string | null;
  providerSubscriptionId?: string | null;
  chargeReference?: string | null;
}

/**
 * Finds whose event this is, from the strongest link to the weakest: our own id in the
 * metadata, then the provider's customer, subscription or charge we already know. No
 * link yet means an earlier event has not been processed: retry later.
 */
export async function resolveUserId(executor: Executor, provider: string, hints: UserHints): Promise<string> {
  // A checkout opened before `/link` folded its user into another pays for the survivor.
  return survivingUserId(executor, await findUserId(executor, provider, hints));
}

async function findUserId(executor: Executor, provider: string, hints: UserHints): Promise<string> {
  if (hints.userId && uuidPattern.test(hints.userId)) {
    const [user] = await executor.select({ id: users.id }).from(users).where(eq(users.id, hints.userId));
    if (user) return user.id;
  }
  if (hints.providerCustomerId) {
    const [customer] = await executor
      .select({ userId: providerCustomers.userId })
      .from(providerCustomers)
      .where(
        and(
          eq(providerCustomers.provider, provider),
          eq(providerCustomers.providerCustomerId, hints.providerCustomerId),
        ),
      );
    if (customer) return customer.userId;
  }
  if (hints.providerSubscriptionId) {
    const [subscription] = await executor
      .select({ userId: subscriptions.userId })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.provider, provider),
          eq(subscriptions.providerSubscriptionId, hints.providerSubscriptionId),
        ),
      );
    if (subscription) return subscription.userId;
  }
  if (hints.chargeReference) {
    const [purchase] = await executor
      .select({ userId: purchases.userId })
      .from(purchases)
      .where(
        and(
          eq(purchases.provider, provider),
          or(
            eq(purchases.chargeReference, hints.chargeReference),
            eq(purchases.providerPaymentId, hints.chargeReference),
          ),
        ),
      );
    if (purchase) return purchase.userId;
  }
  throw notYet('user_unresolved', 'The event cannot be linked to a user yet.', { provider, hints });
}
