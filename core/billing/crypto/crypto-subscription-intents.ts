import type { subscriptions } from '../../../db/schema/index.js';
import { badRequest } from '../../errors.js';
import type { SubscriptionSnapshot } from '../../ports/payment-provider.js';
import { cryptoSubscriptionSnapshot } from './crypto-subscription-snapshot.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

/**
 * What the member's cancel means for a crypto subscription, which no processor holds: at period
 * end, simply not renewing (our clock ends it then); now, ended at once (the paid period is not
 * refunded in crypto, which cannot be sent back automatically).
 */
export const cancelCryptoSubscription = (
  row: SubscriptionRow,
  atPeriodEnd: boolean,
  now: Date,
): SubscriptionSnapshot =>
  atPeriodEnd
    ? cryptoSubscriptionSnapshot(row, { cancelAtPeriodEnd: true }, now)
    : cryptoSubscriptionSnapshot(row, { status: 'canceled', canceledAt: now, endedAt: now }, now);

/** Withdrawing the cancel: the clock renews it again (from credit, or the member pays the next invoice). */
export const resumeCryptoSubscription = (row: SubscriptionRow, now: Date): SubscriptionSnapshot =>
  cryptoSubscriptionSnapshot(row, { cancelAtPeriodEnd: false }, now);

/** A prepaid crypto period cannot be prorated into another plan; the switch happens at renewal. */
export const refuseCryptoPlanChange = (row: SubscriptionRow) =>
  badRequest(
    'crypto_plan_change_unavailable',
    'A crypto subscription changes plan at renewal: pay the new plan and let this one run out.',
    { subscription_id: row.id, provider: row.provider },
  );
