import type { SubscriptionSnapshot } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { fromOptionalUnixSeconds, fromUnixSeconds } from './sandbox-billing-period.js';
import { toPriceReferences } from './sandbox-events.js';
import type { SandboxRecord } from './sandbox-store.js';

/**
 * The stored subscription in our terms. `observedAt` is the row's `version`, not a time: the
 * port only needs a stamp that grows with every change of this one subscription, and the
 * version does so exactly, even when the clock stands still (tests) or two changes share a
 * millisecond. Stamps are only ever compared between snapshots of the same subscription.
 */
export function toSubscriptionSnapshot(subscription: SandboxRecord<'subscription'>): SubscriptionSnapshot {
  const { data } = subscription;
  return {
    providerSubscriptionId: subscription.id,
    providerCustomerId: data.customer,
    userId: data.metadata[metadataKeys.userId] ?? null,
    status: data.status,
    items: toPriceReferences(data.lines),
    cancelAtPeriodEnd: data.cancel_at_period_end,
    currentPeriodStart: fromUnixSeconds(data.current_period_start),
    currentPeriodEnd: fromUnixSeconds(data.current_period_end),
    trialEnd: null,
    canceledAt: fromOptionalUnixSeconds(data.canceled_at),
    endedAt: fromOptionalUnixSeconds(data.ended_at),
    observedAt: subscription.version,
  };
}
