import type { SubscriptionAddon } from '../../db/schema/index.js';

/** The lifecycle states of DESIGN.md, plus `free` (never paid) and `frozen` (a moderator's freeze). */
export type AccessStatus =
  | 'free'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled_at_period_end'
  | 'ended'
  | 'refunded'
  | 'disputed'
  | 'frozen';

export interface PlanFacts {
  id: string;
  kind: string;
  name: string;
  rank: number;
  features: string[];
  quotas: Record<string, number>;
}

export interface SubscriptionFact {
  id: string;
  provider: string;
  providerSubscriptionId: string;
  planId: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  endedAt: Date | null;
  pastDueSince: Date | null;
  addons: SubscriptionAddon[];
}

export interface PurchaseFact {
  id: string;
  provider: string;
  kind: string;
  providerSubscriptionId: string | null;
  planId: string | null;
  /** One-time purchases: days of access bought; null means for good. */
  accessDays: number | null;
  amountMinor: number;
  amountRefundedMinor: number;
  disputeStatus: string | null;
  paidAt: Date;
  periodEnd: Date | null;
}

export interface GrantFact {
  id: string;
  planId: string;
  startsAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface FreezeFact {
  id: string;
  reason: string;
  liftedAt: Date | null;
}

export interface EntitlementFacts {
  userId: string;
  subscriptions: SubscriptionFact[];
  purchases: PurchaseFact[];
  grants: GrantFact[];
  freezes: FreezeFact[];
}

export interface EntitlementPolicy {
  /** How long past_due keeps access. */
  gracePeriodMs: number;
  /** How long an active subscription outlives its period end while the renewal webhook is on its way. */
  renewalLeewayMs: number;
}

export interface EntitlementResult {
  userId: string;
  tier: string;
  status: AccessStatus;
  features: string[];
  quotas: Record<string, number>;
  /** When the access that decides the tier ends on its own; null when it does not. */
  expiresAt: Date | null;
  /** The next moment time alone changes this result. */
  recheckAt: Date | null;
  explanation: string;
}
