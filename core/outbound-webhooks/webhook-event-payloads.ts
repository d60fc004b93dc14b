import type { subscriptions } from '../../db/schema/index.js';
import type { EntitlementView } from '../entitlements/entitlement-service.js';
import { signalView } from '../signals/published-signal.js';

/** The `data` of each event type: snake_case, ISO times, as the REST API shows the same objects. */
const iso = (date: Date | null) => date?.toISOString() ?? null;

export const entitlementsUpdatedData = (view: EntitlementView) => ({
  user_id: view.user_id,
  tier: view.tier,
  status: view.status,
  features: view.features,
  quotas: view.quotas,
  expires_at: view.expires_at,
  version: view.version,
});

export const subscriptionUpdatedData = (row: typeof subscriptions.$inferSelect, accessStatus: string) => ({
  user_id: row.userId,
  access_status: accessStatus,
  subscription: {
    id: row.id,
    provider: row.provider,
    plan_id: row.planId,
    status: row.status,
    cancel_at_period_end: row.cancelAtPeriodEnd,
    current_period_start: iso(row.currentPeriodStart),
    current_period_end: iso(row.currentPeriodEnd),
    trial_end: iso(row.trialEnd),
    canceled_at: iso(row.canceledAt),
    ended_at: iso(row.endedAt),
  },
});

/** The same shape as GET /v1/signals answers. */
export const signalPublishedData = signalView;
