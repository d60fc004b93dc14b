import { formatDate } from '../formatting.js';
import { cryptoProviderNames } from '../ports/payment-provider.js';
import type {
  AccessStatus,
  EntitlementFacts,
  EntitlementPolicy,
  EntitlementResult,
  PlanFacts,
  PurchaseFact,
  SubscriptionFact,
} from './entitlement-types.js';

const freeTierId = 'free';
const dayMs = 86_400_000;

/** A source of access (or of a reason there is none) considered by the function. */
interface Candidate {
  planId: string;
  status: AccessStatus;
  grantsAccess: boolean;
  /** When this access ends by itself (null: never). */
  endsAt: Date | null;
  /** Other moments at which this source changes (e.g. a grant that starts later). */
  changesAt: Date[];
  addons: Array<{ planId: string; quantity: number }>;
  explanation: string;
  /** For choosing what to explain when nothing grants access: the most recent wins. */
  recency: number;
}

/** Later end first; null (never ends) is the latest of all. Never NaN, unlike Infinity - Infinity. */
const compareEnds = (left: Date | null, right: Date | null) =>
  left === right ? 0 : left === null ? 1 : right === null ? -1 : left.getTime() - right.getTime();

const compareText = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * The last tie-break: by what the candidate would produce, so equal candidates give the same
 * answer whatever order the facts were loaded in (the database returns rows in no set order).
 */
const compareOutcome = (left: Candidate, right: Candidate) =>
  compareText(left.planId, right.planId) ||
  compareText(left.status, right.status) ||
  compareText(left.explanation, right.explanation);

const isFullyRefunded = (purchase: PurchaseFact) =>
  purchase.amountMinor > 0 && purchase.amountRefundedMinor >= purchase.amountMinor;

/** The payment that bought the subscription's current period: the one that can void it. */
function latestPayment(subscription: SubscriptionFact, purchases: PurchaseFact[]): PurchaseFact | undefined {
  let latest: PurchaseFact | undefined;
  for (const purchase of purchases) {
    if (purchase.provider !== subscription.provider) continue;
    if (purchase.providerSubscriptionId !== subscription.providerSubscriptionId) continue;
    const key = (purchase.periodEnd ?? purchase.paidAt).getTime();
    if (!latest || key > (latest.periodEnd ?? latest.paidAt).getTime()) latest = purchase;
  }
  return latest;
}

function subscriptionCandidate(
  subscription: SubscriptionFact,
  purchases: PurchaseFact[],
  plan: PlanFacts | undefined,
  policy: EntitlementPolicy,
  now: Date,
): Candidate {
  const name = plan?.name ?? subscription.planId;
  const base = {
    planId: subscription.planId,
    addons: subscription.addons.map((addon) => ({ planId: addon.planId, quantity: addon.quantity })),
    changesAt: [] as Date[],
    recency: (subscription.currentPeriodEnd ?? subscription.endedAt ?? now).getTime(),
  };
  const none = (status: AccessStatus, explanation: string): Candidate => ({
    ...base,
    status,
    grantsAccess: false,
    endsAt: null,
    explanation,
  });
  const until = (status: AccessStatus, endsAt: Date | null, explanation: string): Candidate =>
    endsAt !== null && endsAt.getTime() <= now.getTime()
      ? none('ended', `Your ${name} subscription ended on ${formatDate(endsAt)}.`)
      : { ...base, status, grantsAccess: true, endsAt, explanation };

  const payment = latestPayment(subscription, purchases);
  if (payment?.disputeStatus === 'lost')
    return none('refunded', `Your ${name} payment was charged back, so paid access was removed.`);
  if (payment && isFullyRefunded(payment))
    return none('refunded', `Your ${name} payment was refunded, so paid access was removed.`);

  const periodEnd = subscription.currentPeriodEnd;
  // Crypto renews only when paid again (or from credit): no card to charge or to update.
  const paidInCrypto = cryptoProviderNames.some((provider) => provider === subscription.provider);
  switch (subscription.status) {
    case 'trialing': {
      const trialEnd = subscription.trialEnd ?? periodEnd;
      const endsAt = trialEnd ? new Date(trialEnd.getTime() + policy.renewalLeewayMs) : null;
      return until(
        'trialing',
        endsAt,
        trialEnd ? `Your ${name} trial runs until ${formatDate(trialEnd)}.` : `Your ${name} trial is running.`,
      );
    }
    case 'active': {
      if (subscription.cancelAtPeriodEnd)
        return until(
          'canceled_at_period_end',
          periodEnd,
          periodEnd
            ? `Your ${name} subscription is canceled and stays active until ${formatDate(periodEnd)}.`
            : `Your ${name} subscription is canceled.`,
        );
      // The renewal webhook may land after the period boundary; keep access meanwhile.
      const endsAt = periodEnd ? new Date(periodEnd.getTime() + policy.renewalLeewayMs) : null;
      return until(
        'active',
        endsAt,
        periodEnd
          ? paidInCrypto
            ? `${name} is paid in crypto until ${formatDate(periodEnd)}.`
            : `${name} is active and renews on ${formatDate(periodEnd)}.`
          : `${name} is active.`,
      );
    }
    case 'past_due': {
      const since = subscription.pastDueSince ?? periodEnd ?? now;
      const graceEnds = new Date(since.getTime() + policy.gracePeriodMs);
      if (graceEnds.getTime() <= now.getTime())
        return none(
          'past_due',
          `Your ${name} payment failed and the grace period ended on ${formatDate(graceEnds)}; pay to restore access.`,
        );
      return {
        ...base,
        status: 'past_due',
        grantsAccess: true,
        endsAt: graceEnds,
        explanation: paidInCrypto
          ? `Your ${name} crypto period ended; access is kept until ${formatDate(graceEnds)}: pay the renewal to continue where it stopped.`
          : `Your last ${name} payment failed; access is kept until ${formatDate(graceEnds)} while you update your payment method.`,
      };
    }
    case 'incomplete':
      return none('free', `Your ${name} checkout has not been paid yet.`);
    default: {
      const endedAt = subscription.endedAt ?? periodEnd;
      return none(
        'ended',
        endedAt ? `Your ${name} subscription ended on ${formatDate(endedAt)}.` : `Your ${name} subscription ended.`,
      );
    }
  }
}

/**
 * Where one subscription stands now, by the same rules that decide access: refunded or charged
 * back, trialing, active, canceling at period end, past due (in or beyond grace), ended.
 * `live` is true exactly when the subscription itself grants its tier. The business figures
 * (MRR, active by plan) count the live ones, so they mean what `/why` says.
 */
export function subscriptionStanding(
  subscription: SubscriptionFact,
  purchases: PurchaseFact[],
  policy: EntitlementPolicy,
  now: Date,
): { status: AccessStatus; live: boolean } {
  const candidate = subscriptionCandidate(subscription, purchases, undefined, policy, now);
  return { status: candidate.status, live: candidate.grantsAccess };
}

function purchaseCandidate(purchase: PurchaseFact, plan: PlanFacts | undefined, now: Date): Candidate | undefined {
  if (purchase.kind !== 'one_time' || !purchase.planId || plan?.kind !== 'tier') return undefined;
  const name = plan.name;
  const base = { planId: purchase.planId, addons: [], changesAt: [], recency: purchase.paidAt.getTime() };
  if (purchase.disputeStatus === 'lost' || isFullyRefunded(purchase))
    return {
      ...base,
      status: 'refunded',
      grantsAccess: false,
      endsAt: null,
      explanation: `Your ${name} payment was refunded, so paid access was removed.`,
    };
  const endsAt =
    purchase.accessDays === null ? null : new Date(purchase.paidAt.getTime() + purchase.accessDays * dayMs);
  if (endsAt && endsAt.getTime() <= now.getTime())
    return {
      ...base,
      status: 'ended',
      grantsAccess: false,
      endsAt: null,
      explanation: `Your ${name} access ended on ${formatDate(endsAt)}.`,
    };
  return {
    ...base,
    status: 'active',
    grantsAccess: true,
    endsAt,
    explanation: endsAt ? `You bought ${name} until ${formatDate(endsAt)}.` : `You bought ${name} for good.`,
  };
}

/**
 * The one function that decides what a user may use. Pure: the same facts, plans, policy
 * and time always give the same answer, whatever order the facts arrived in.
 */
export function computeEntitlements(
  facts: EntitlementFacts,
  plans: ReadonlyMap<string, PlanFacts>,
  policy: EntitlementPolicy,
  now: Date,
): EntitlementResult {
  const candidates: Candidate[] = [];
  const addonSources: Array<{ planId: string; quantity: number }> = [];
  const changeMoments: Date[] = [];

  for (const subscription of facts.subscriptions)
    candidates.push(subscriptionCandidate(subscription, facts.purchases, plans.get(subscription.planId), policy, now));

  for (const purchase of facts.purchases) {
    const plan = purchase.planId ? plans.get(purchase.planId) : undefined;
    if (plan?.kind === 'addon' && purchase.kind === 'one_time') {
      const endsAt =
        purchase.accessDays === null ? null : new Date(purchase.paidAt.getTime() + purchase.accessDays * dayMs);
      const voided = purchase.disputeStatus === 'lost' || isFullyRefunded(purchase);
      if (!voided && (!endsAt || endsAt > now)) {
        addonSources.push({ planId: plan.id, quantity: 1 });
        // When it ends, the features and quotas it adds go: that is a moment to recheck.
        if (endsAt) changeMoments.push(endsAt);
      }
      continue;
    }
    const candidate = purchaseCandidate(purchase, plan, now);
    if (candidate) candidates.push(candidate);
  }

  for (const grant of facts.grants) {
    if (grant.revokedAt) continue;
    const plan = plans.get(grant.planId);
    if (grant.startsAt > now) {
      changeMoments.push(grant.startsAt);
      continue;
    }
    if (grant.expiresAt && grant.expiresAt <= now) continue;
    if (plan?.kind === 'addon') {
      addonSources.push({ planId: plan.id, quantity: 1 });
      if (grant.expiresAt) changeMoments.push(grant.expiresAt);
      continue;
    }
    candidates.push({
      planId: grant.planId,
      status: 'active',
      grantsAccess: true,
      endsAt: grant.expiresAt,
      changesAt: [],
      addons: [],
      recency: grant.startsAt.getTime(),
      explanation: grant.expiresAt
        ? `A moderator granted you ${plan?.name ?? grant.planId} until ${formatDate(grant.expiresAt)}.`
        : `A moderator granted you ${plan?.name ?? grant.planId}.`,
    });
  }

  const freePlan = plans.get(freeTierId);
  const freeResult = (status: AccessStatus, explanation: string, recheckAt: Date | null): EntitlementResult => ({
    userId: facts.userId,
    tier: freeTierId,
    status,
    features: [...(freePlan?.features ?? [])].sort(),
    quotas: { ...(freePlan?.quotas ?? {}) },
    expiresAt: null,
    recheckAt,
    explanation,
  });

  for (const candidate of candidates) {
    if (candidate.endsAt) changeMoments.push(candidate.endsAt);
    changeMoments.push(...candidate.changesAt);
  }
  const recheckAt = changeMoments.length
    ? new Date(Math.min(...changeMoments.map((moment) => moment.getTime())))
    : null;

  const openDispute = facts.purchases.some((purchase) => purchase.disputeStatus === 'open');
  if (openDispute)
    return freeResult(
      'disputed',
      'A payment is under dispute, so paid access is frozen until the dispute is resolved.',
      recheckAt,
    );
  const freeze = facts.freezes.find((each) => !each.liftedAt);
  if (freeze) return freeResult('frozen', `A moderator froze your paid access: ${freeze.reason}`, recheckAt);

  const rank = (candidate: Candidate) => plans.get(candidate.planId)?.rank ?? -1;
  const granting = candidates
    .filter((candidate) => candidate.grantsAccess)
    .sort(
      (left, right) =>
        rank(right) - rank(left) || compareEnds(right.endsAt, left.endsAt) || compareOutcome(left, right),
    );
  const chosen = granting[0];
  if (!chosen) {
    const latest = [...candidates].sort(
      (left, right) => right.recency - left.recency || compareOutcome(left, right),
    )[0];
    return latest
      ? freeResult(latest.status, latest.explanation, recheckAt)
      : freeResult('free', "You're on the free plan.", recheckAt);
  }

  const tierPlan = plans.get(chosen.planId);
  const features = new Set(tierPlan?.features ?? []);
  const quotas: Record<string, number> = { ...(tierPlan?.quotas ?? {}) };
  const addons = [...granting.flatMap((candidate) => candidate.addons), ...addonSources];
  for (const addon of addons) {
    const addonPlan = plans.get(addon.planId);
    if (!addonPlan) continue;
    for (const feature of addonPlan.features) features.add(feature);
    for (const [quota, increment] of Object.entries(addonPlan.quotas))
      quotas[quota] = (quotas[quota] ?? 0) + increment * addon.quantity;
  }

  return {
    userId: facts.userId,
    tier: chosen.planId,
    status: chosen.status,
    features: [...features].sort(),
    quotas,
    expiresAt: chosen.endsAt,
    recheckAt,
    explanation: chosen.explanation,
  };
}
