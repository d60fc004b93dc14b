import { type AccessResource, resourceKey } from '../ports/chat-platform.js';

/** What the rule needs to know about a plan. */
export interface PlanForAccess {
  id: string;
  /** `tier` or `addon`. */
  kind: string;
  rank: number;
  features: string[];
}

/** A resource as a plan grants it (one row of plan_access_resources). */
export interface PlanResource extends AccessResource {
  planId: string;
}

/** The part of the entitlement view access depends on. */
export interface EntitlementForAccess {
  tier: string;
  status: string;
  features: string[];
}

export interface DesiredAccess {
  /** Every resource some plan grants, by resourceKey: what the reconciler may grant or revoke. */
  managed: Map<string, AccessResource>;
  /** The resourceKeys this member should hold. */
  desired: Set<string>;
}

export const freeTierId = 'free';

/** The states in which the entitlement function still grants the tier (DESIGN.md lifecycle). */
const grantingStatuses = new Set(['trialing', 'active', 'past_due', 'canceled_at_period_end']);

/**
 * An add-on is held when every feature it switches on is in the member's entitlements: the
 * stored view lists features, not add-on ids. An add-on without features (quota only) can
 * therefore carry no chat resource; the admin route refuses that pairing.
 */
const holdsAddon = (plan: PlanForAccess, features: ReadonlySet<string>) =>
  plan.features.length > 0 && plan.features.every((feature) => features.has(feature));

/**
 * The resources one member should hold. A tier grants its own resources and those of every
 * lower-ranked tier (VIP keeps Core's channels); held add-ons grant theirs; the free tier's
 * resources (the basic community) are everyone's. Anything managed and not desired is revoked.
 */
export function desiredAccess(
  entitlement: EntitlementForAccess,
  plans: ReadonlyMap<string, PlanForAccess>,
  resources: readonly PlanResource[],
): DesiredAccess {
  const managed = new Map<string, AccessResource>();
  for (const resource of resources) {
    const key = resourceKey(resource);
    if (!managed.has(key))
      managed.set(key, {
        kind: resource.kind,
        scopeId: resource.scopeId,
        resourceId: resource.resourceId,
        label: resource.label,
      });
  }

  const tier = plans.get(entitlement.tier);
  // Defensive: the entitlement function already answers `free` when access is gone.
  const heldTier =
    tier?.kind === 'tier' && (tier.id === freeTierId || grantingStatuses.has(entitlement.status)) ? tier : undefined;
  const features = new Set(entitlement.features);
  const grantingPlans = new Set<string>([freeTierId]);
  for (const plan of plans.values()) {
    if (plan.kind === 'tier' && heldTier && (plan.id === heldTier.id || plan.rank < heldTier.rank))
      grantingPlans.add(plan.id);
    if (plan.kind === 'addon' && holdsAddon(plan, features)) grantingPlans.add(plan.id);
  }

  const desired = new Set<string>();
  for (const resource of resources) if (grantingPlans.has(resource.planId)) desired.add(resourceKey(resource));
  return { managed, desired };
}
