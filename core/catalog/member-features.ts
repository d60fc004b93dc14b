import { apiAccessFeatures } from '../api-keys/api-key-scopes.js';
import { autotradeFeature } from '../autotrade/autotrade-accounts.js';
import { outboundWebhooksFeature } from '../outbound-webhooks/webhook-event-types.js';

/** What a plan or a member's entitlements carry: the same two fields on both. */
export interface FeatureGrants {
  features: readonly string[];
  quotas: Record<string, number>;
}

/**
 * The features the member pages unlock by plan. Each is decided by the same rule the API and
 * core apply (a key needs `api_basic` or `api_keys`, real time means no signal delay), so a
 * page never shows as open what the service behind it would refuse, nor the other way round.
 */
export const memberFeatureRules = {
  realtime_signals: (grants: FeatureGrants) => (grants.quotas.signal_delay_seconds ?? 0) === 0,
  api_keys: (grants: FeatureGrants) => apiAccessFeatures.some((feature) => grants.features.includes(feature)),
  outbound_webhooks: (grants: FeatureGrants) => grants.features.includes(outboundWebhooksFeature),
  autotrade_sandbox: (grants: FeatureGrants) => grants.features.includes(autotradeFeature),
} as const;

export type MemberFeature = keyof typeof memberFeatureRules;

export const hasMemberFeature = (grants: FeatureGrants, feature: MemberFeature): boolean =>
  memberFeatureRules[feature](grants);
