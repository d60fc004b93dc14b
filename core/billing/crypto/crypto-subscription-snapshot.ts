import type { subscriptions } from '../../../db/schema/index.js';
import type { SubscriptionSnapshot } from '../../ports/payment-provider.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

/**
 * A crypto subscription has no provider-side object: its snapshot is our own row with the
 * changes our clock or the member made, stamped after the stored one so it always applies.
 */
export function cryptoSubscriptionSnapshot(
  row: SubscriptionRow,
  changes: Partial<
    Pick<
      SubscriptionSnapshot,
      'status' | 'cancelAtPeriodEnd' | 'currentPeriodStart' | 'currentPeriodEnd' | 'canceledAt' | 'endedAt'
    >
  >,
  now: Date,
): SubscriptionSnapshot {
  return {
    providerSubscriptionId: row.providerSubscriptionId,
    providerCustomerId: row.providerCustomerId,
    userId: row.userId,
    status: (changes.status ?? row.status) as SubscriptionSnapshot['status'],
    items: row.planPriceId ? [{ planPriceId: row.planPriceId, providerPriceId: null, quantity: 1 }] : [],
    cancelAtPeriodEnd: changes.cancelAtPeriodEnd ?? row.cancelAtPeriodEnd,
    currentPeriodStart: changes.currentPeriodStart ?? row.currentPeriodStart,
    currentPeriodEnd: changes.currentPeriodEnd ?? row.currentPeriodEnd,
    trialEnd: null,
    canceledAt: changes.canceledAt !== undefined ? changes.canceledAt : row.canceledAt,
    endedAt: changes.endedAt !== undefined ? changes.endedAt : row.endedAt,
    observedAt: nextObservation(row.observedAt, now),
  };
}

/** Our clock's stamp: now, or just after the stored one if that is later (two changes in one millisecond). */
export const nextObservation = (storedObservedAt: number | null, now: Date) =>
  Math.max(now.getTime(), (storedObservedAt ?? 0) + 1);

/** One period of a recurring price, counted in calendar months like card processors. */
export const periodMonths = (interval: string) => (interval === 'year' ? 12 : 1);
