import { freeTierId } from '../access/desired-access.js';

export type NotificationKind =
  | 'payment_received'
  | 'access_granted'
  | 'renewal_coming'
  | 'renewal_from_balance'
  | 'payment_failed'
  | 'access_ending'
  | 'access_revoked'
  | 'webhook_endpoint_disabled'
  | 'daily_pnl_report';

export interface AccessSnapshot {
  tier: string;
  status: string;
}

/**
 * Which DM, if any, a change of access deserves. `previous` is what the member was last told
 * about (notification_state), not the previous version, so a lost job is caught up by the
 * next change. The entitlement function answers tier `free` whenever paid access is gone.
 */
export function accessTransition(
  previous: AccessSnapshot | undefined,
  current: AccessSnapshot,
): Extract<NotificationKind, 'access_granted' | 'payment_failed' | 'access_ending' | 'access_revoked'> | undefined {
  const wasPaid = previous !== undefined && previous.tier !== freeTierId;
  const isPaid = current.tier !== freeTierId;
  if (wasPaid && !isPaid) return 'access_revoked';
  if (!isPaid) return undefined;
  const sameTier = wasPaid && previous.tier === current.tier;
  if (current.status === 'past_due') return sameTier && previous.status === 'past_due' ? undefined : 'payment_failed';
  if (current.status === 'canceled_at_period_end')
    return sameTier && previous.status === 'canceled_at_period_end' ? undefined : 'access_ending';
  // Recovering from past due or resuming a cancellation is not news: the receipt says it.
  return sameTier ? undefined : 'access_granted';
}
