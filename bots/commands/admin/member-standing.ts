import { formatDate } from '../../reply-format.js';

/** What moderators read about a member: the entitlement's facts, never its "you" sentence. */
export interface MemberStanding {
  tier: string;
  status: string;
  expires_at: string | null;
}

/**
 * One sentence about another member, in the third person. The entitlement's own explanation
 * speaks to the member ("A moderator granted you VIP"), which is wrong in `/admin lookup`.
 * `granted` says the access comes from a moderator's grant rather than a payment.
 */
export function describeMemberStanding(standing: MemberStanding, planName: string, granted: boolean): string {
  const until = standing.expires_at ? ` until ${formatDate(standing.expires_at)}` : '';
  switch (standing.status) {
    case 'active':
      return granted ? `Has ${planName}${until}, granted by a moderator.` : `Has ${planName}${until}, paid.`;
    case 'trialing':
      return `Is trying ${planName}${until}.`;
    case 'past_due':
      return `Their ${planName} payment failed; they keep access${until} while they fix it.`;
    case 'canceled_at_period_end':
      return `Canceled ${planName}; they keep access${until}.`;
    case 'ended':
      return 'On the free plan: their paid access ended.';
    case 'refunded':
      return 'On the free plan: their last payment was refunded or charged back.';
    case 'disputed':
      return 'Paid access frozen: one of their payments is under dispute.';
    case 'frozen':
      return 'Paid access frozen by a moderator.';
    default:
      return 'On the free plan.';
  }
}

/** "Free", "Pro (active)", "Free (frozen by a moderator)": the plan, and the state only when it adds something. */
export function describePlanAndState(planName: string, status: string, describeStatus: (status: string) => string) {
  return status === 'free' ? planName : `${planName} (${describeStatus(status)})`;
}
