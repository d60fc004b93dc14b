import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog.js';
import { computeEntitlements } from './compute-entitlements.js';
import type {
  EntitlementFacts,
  EntitlementPolicy,
  FreezeFact,
  GrantFact,
  PlanFacts,
  PurchaseFact,
  SubscriptionFact,
} from './entitlement-types.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
const now = new Date('2026-11-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

const policy: EntitlementPolicy = { gracePeriodMs: 3 * dayMs, renewalLeewayMs: 48 * hourMs };

/** The plan map the service builds from the database, here built from the seed. */
const plans: ReadonlyMap<string, PlanFacts> = new Map(
  [
    ...defaultCatalog,
    // A one-time tier, as moderators can create: 30 days of Pro-level access.
    { ...defaultCatalog.find((plan) => plan.id === 'pro')!, id: 'pass_30d', name: '30-day pass', rank: 20 },
  ].map((plan) => [
    plan.id,
    { id: plan.id, kind: plan.kind, name: plan.name, rank: plan.rank, features: plan.features, quotas: plan.quotas },
  ]),
);
const plan = (id: string) => plans.get(id)!;
const sorted = (values: string[]) => [...values].sort();

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_${++sequence}`;

function subscription(overrides: Partial<SubscriptionFact> = {}): SubscriptionFact {
  return {
    id: nextId('sub'),
    provider: 'sandbox',
    providerSubscriptionId: nextId('sbx_sub'),
    planId: 'pro',
    status: 'active',
    cancelAtPeriodEnd: false,
    currentPeriodEnd: at(10 * dayMs),
    trialEnd: null,
    endedAt: null,
    pastDueSince: null,
    addons: [],
    ...overrides,
  };
}

/** The payment that bought the subscription's current period. */
function invoice(of: SubscriptionFact, overrides: Partial<PurchaseFact> = {}): PurchaseFact {
  return {
    id: nextId('purchase'),
    provider: of.provider,
    kind: 'subscription',
    providerSubscriptionId: of.providerSubscriptionId,
    planId: of.planId,
    accessDays: null,
    amountMinor: 4900,
    amountRefundedMinor: 0,
    disputeStatus: null,
    paidAt: at(-20 * dayMs),
    periodEnd: of.currentPeriodEnd,
    ...overrides,
  };
}

function oneTime(planId: string, overrides: Partial<PurchaseFact> = {}): PurchaseFact {
  return {
    id: nextId('purchase'),
    provider: 'sandbox',
    kind: 'one_time',
    providerSubscriptionId: null,
    planId,
    accessDays: null,
    amountMinor: 29_900,
    amountRefundedMinor: 0,
    disputeStatus: null,
    paidAt: at(-dayMs),
    periodEnd: null,
    ...overrides,
  };
}

function grant(planId: string, overrides: Partial<GrantFact> = {}): GrantFact {
  return {
    id: nextId('grant'),
    planId,
    startsAt: at(-dayMs),
    expiresAt: at(7 * dayMs),
    revokedAt: null,
    ...overrides,
  };
}

const freeze = (overrides: Partial<FreezeFact> = {}): FreezeFact => ({
  id: nextId('freeze'),
  reason: 'chargeback investigation',
  liftedAt: null,
  ...overrides,
});

function facts(overrides: Partial<EntitlementFacts> = {}): EntitlementFacts {
  return { userId: 'user-1', subscriptions: [], purchases: [], grants: [], freezes: [], ...overrides };
}

const compute = (input: EntitlementFacts, when: Date = now) => computeEntitlements(input, plans, policy, when);

const freeAccess = { tier: 'free', features: sorted(plan('free').features), quotas: plan('free').quotas };

/** A small deterministic PRNG, so a shuffle that finds a problem finds it on every run. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

describe('computeEntitlements', () => {
  it('a user with no facts is on the free plan with its features and quotas and nothing to recheck', () => {
    expect(compute(facts())).toEqual({
      userId: 'user-1',
      ...freeAccess,
      status: 'free',
      expiresAt: null,
      recheckAt: null,
      explanation: expect.any(String),
    });
  });

  describe('subscriptions', () => {
    it('an active subscription gives its tier, features and quotas until period end plus the renewal leeway', () => {
      const pro = subscription();
      const result = compute(facts({ subscriptions: [pro], purchases: [invoice(pro)] }));
      const expiresAt = at(10 * dayMs + 48 * hourMs);
      expect(result).toMatchObject({
        tier: 'pro',
        status: 'active',
        features: sorted(plan('pro').features),
        quotas: plan('pro').quotas,
        expiresAt,
        recheckAt: expiresAt,
      });
    });

    it('an active subscription whose renewal never arrived loses access once the leeway is over', () => {
      const pro = subscription({ currentPeriodEnd: at(-dayMs) });
      expect(compute(facts({ subscriptions: [pro] }))).toMatchObject({ tier: 'pro', status: 'active' });
      expect(compute(facts({ subscriptions: [pro] }), at(dayMs))).toMatchObject({ ...freeAccess, status: 'ended' });
    });

    it('a trialing subscription gives its tier while the trial runs', () => {
      const trial = subscription({ status: 'trialing', planId: 'vip', trialEnd: at(5 * dayMs) });
      const result = compute(facts({ subscriptions: [trial] }));
      expect(result).toMatchObject({
        tier: 'vip',
        status: 'trialing',
        quotas: plan('vip').quotas,
        expiresAt: at(5 * dayMs + 48 * hourMs),
      });
    });

    it('canceled at period end keeps access until the period ends, and not a moment after', () => {
      const ending = subscription({ cancelAtPeriodEnd: true, currentPeriodEnd: at(5 * dayMs) });
      const input = facts({ subscriptions: [ending], purchases: [invoice(ending)] });
      expect(compute(input)).toMatchObject({
        tier: 'pro',
        status: 'canceled_at_period_end',
        expiresAt: at(5 * dayMs),
        recheckAt: at(5 * dayMs),
      });
      expect(compute(input, at(5 * dayMs - 1))).toMatchObject({ tier: 'pro', status: 'canceled_at_period_end' });
      expect(compute(input, at(5 * dayMs))).toMatchObject({ ...freeAccess, status: 'ended', expiresAt: null });
    });

    it('past_due keeps access until the grace period ends, and not after', () => {
      const late = subscription({ status: 'past_due', pastDueSince: at(-dayMs), currentPeriodEnd: at(29 * dayMs) });
      const input = facts({ subscriptions: [late] });
      const graceEnds = at(2 * dayMs);
      expect(compute(input)).toMatchObject({
        tier: 'pro',
        status: 'past_due',
        expiresAt: graceEnds,
        recheckAt: graceEnds,
      });
      expect(compute(input, at(2 * dayMs - 1))).toMatchObject({ tier: 'pro', status: 'past_due' });
      expect(compute(input, graceEnds)).toMatchObject({ ...freeAccess, status: 'past_due', expiresAt: null });
    });

    it('an ended subscription gives nothing and says it ended', () => {
      const ended = subscription({ status: 'canceled', endedAt: at(-2 * dayMs), currentPeriodEnd: at(-2 * dayMs) });
      expect(compute(facts({ subscriptions: [ended] }))).toMatchObject({
        ...freeAccess,
        status: 'ended',
        expiresAt: null,
        recheckAt: null,
      });
    });

    it('an unpaid (incomplete) subscription gives nothing', () => {
      const unpaid = subscription({ status: 'incomplete' });
      expect(compute(facts({ subscriptions: [unpaid] }))).toMatchObject({ ...freeAccess, status: 'free' });
    });
  });

  describe('refunds and disputes', () => {
    it('a fully refunded latest payment revokes the subscription: refunded', () => {
      const pro = subscription();
      const refunded = invoice(pro, { amountRefundedMinor: 4900 });
      expect(compute(facts({ subscriptions: [pro], purchases: [refunded] }))).toMatchObject({
        ...freeAccess,
        status: 'refunded',
      });
    });

    it('a refund of an older period does not void the period paid for now', () => {
      const pro = subscription();
      const older = invoice(pro, { paidAt: at(-50 * dayMs), periodEnd: at(-20 * dayMs), amountRefundedMinor: 4900 });
      const current = invoice(pro);
      expect(compute(facts({ subscriptions: [pro], purchases: [older, current] }))).toMatchObject({
        tier: 'pro',
        status: 'active',
      });
    });

    it('a partial refund keeps access', () => {
      const pro = subscription();
      const partly = invoice(pro, { amountRefundedMinor: 1000 });
      expect(compute(facts({ subscriptions: [pro], purchases: [partly] }))).toMatchObject({
        tier: 'pro',
        status: 'active',
      });
    });

    it('an open dispute on any purchase freezes paid access (disputed, free quotas), even with a grant', () => {
      const pro = subscription();
      const disputedPass = oneTime('addon_backfill', { disputeStatus: 'open', accessDays: 30 });
      const result = compute(
        facts({ subscriptions: [pro], purchases: [invoice(pro), disputedPass], grants: [grant('vip')] }),
      );
      expect(result).toMatchObject({ ...freeAccess, status: 'disputed', expiresAt: null });
    });

    it('a won dispute restores access', () => {
      const pro = subscription();
      const won = invoice(pro, { disputeStatus: 'won' });
      expect(compute(facts({ subscriptions: [pro], purchases: [won] }))).toMatchObject({
        tier: 'pro',
        status: 'active',
        quotas: plan('pro').quotas,
      });
    });

    it('a lost dispute on the latest payment acts as a refund: refunded', () => {
      const pro = subscription();
      const lost = invoice(pro, { disputeStatus: 'lost' });
      expect(compute(facts({ subscriptions: [pro], purchases: [lost] }))).toMatchObject({
        ...freeAccess,
        status: 'refunded',
      });
    });

    it('a refunded or charged-back one-time purchase gives nothing', () => {
      expect(compute(facts({ purchases: [oneTime('vip', { amountRefundedMinor: 29_900 })] }))).toMatchObject({
        ...freeAccess,
        status: 'refunded',
      });
      expect(compute(facts({ purchases: [oneTime('vip', { disputeStatus: 'lost' })] }))).toMatchObject({
        ...freeAccess,
        status: 'refunded',
      });
    });
  });

  describe('moderator actions', () => {
    it('a manual freeze takes paid access away: frozen, free quotas; a lifted freeze does not', () => {
      const pro = subscription();
      const input = facts({ subscriptions: [pro], purchases: [invoice(pro)] });
      expect(compute({ ...input, freezes: [freeze()] })).toMatchObject({ ...freeAccess, status: 'frozen' });
      expect(compute({ ...input, freezes: [freeze({ liftedAt: at(-dayMs) })] })).toMatchObject({
        tier: 'pro',
        status: 'active',
      });
    });

    it('a grant of a higher tier beats a lower subscription', () => {
      const core = subscription({ planId: 'core' });
      const result = compute(facts({ subscriptions: [core], grants: [grant('vip')] }));
      expect(result).toMatchObject({
        tier: 'vip',
        status: 'active',
        features: sorted(plan('vip').features),
        quotas: plan('vip').quotas,
        expiresAt: at(7 * dayMs),
      });
    });

    it('the higher rank wins whichever source it comes from', () => {
      const vip = subscription({ planId: 'vip' });
      expect(compute(facts({ subscriptions: [vip], grants: [grant('core')] }))).toMatchObject({ tier: 'vip' });
    });

    it('between equal ranks, the access that ends later wins (and never-ending beats any end)', () => {
      const shorter = grant('pro', { expiresAt: at(5 * dayMs) });
      const longer = grant('pro', { expiresAt: at(20 * dayMs) });
      expect(compute(facts({ grants: [shorter, longer] })).expiresAt).toEqual(at(20 * dayMs));
      expect(compute(facts({ grants: [longer, shorter] })).expiresAt).toEqual(at(20 * dayMs));
      const forever = grant('pro', { expiresAt: null });
      expect(compute(facts({ grants: [shorter, forever] })).expiresAt).toBeNull();
      expect(compute(facts({ grants: [forever, shorter] })).expiresAt).toBeNull();
    });

    it('a grant that starts later gives nothing yet and sets recheck_at to its start', () => {
      const later = grant('vip', { startsAt: at(2 * dayMs), expiresAt: at(9 * dayMs) });
      expect(compute(facts({ grants: [later] }))).toMatchObject({
        ...freeAccess,
        status: 'free',
        recheckAt: at(2 * dayMs),
      });
      expect(compute(facts({ grants: [later] }), at(2 * dayMs))).toMatchObject({
        tier: 'vip',
        expiresAt: at(9 * dayMs),
      });
    });

    it('an expired or revoked grant gives nothing', () => {
      expect(compute(facts({ grants: [grant('vip', { expiresAt: at(-1) })] }))).toMatchObject(freeAccess);
      expect(compute(facts({ grants: [grant('vip', { revokedAt: at(-1) })] }))).toMatchObject(freeAccess);
    });
  });

  describe('add-ons and one-time purchases', () => {
    it('add-ons add their features and multiply their quota increments by quantity', () => {
      const pro = subscription({
        addons: [
          { planId: 'addon_api_quota', planPriceId: 'addon_api_quota_month_usd_v1', quantity: 3 },
          { planId: 'addon_backfill', planPriceId: 'addon_backfill_month_usd_v1', quantity: 1 },
          { planId: 'addon_seat', planPriceId: 'addon_seat_month_usd_v1', quantity: 4 },
        ],
      });
      const result = compute(facts({ subscriptions: [pro], purchases: [invoice(pro)] }));
      expect(result.tier).toBe('pro');
      expect(result.features).toEqual(sorted([...plan('pro').features, 'historical_backfill']));
      expect(result.quotas).toEqual({ ...plan('pro').quotas, api_rpm: 300 + 3 * 500, seats: 1 + 4 });
    });

    it('add-ons of a subscription that gives no access add nothing', () => {
      const ended = subscription({
        status: 'canceled',
        endedAt: at(-dayMs),
        addons: [{ planId: 'addon_backfill', planPriceId: null, quantity: 1 }],
      });
      expect(compute(facts({ subscriptions: [ended] }))).toMatchObject(freeAccess);
    });

    it('a one-time purchase with access_days gives its tier until paid_at + days, then ends', () => {
      const pass = oneTime('pass_30d', { accessDays: 30, paidAt: at(-10 * dayMs) });
      const endsAt = at(20 * dayMs);
      expect(compute(facts({ purchases: [pass] }))).toMatchObject({
        tier: 'pass_30d',
        status: 'active',
        expiresAt: endsAt,
        recheckAt: endsAt,
      });
      expect(compute(facts({ purchases: [pass] }), endsAt)).toMatchObject({ ...freeAccess, status: 'ended' });
    });

    it('a one-time add-on with access_days stops counting when it ends, and recheck_at says when', () => {
      const pro = subscription();
      const backfill = oneTime('addon_backfill', { accessDays: 3, paidAt: at(-dayMs), amountMinor: 1500 });
      const input = facts({ subscriptions: [pro], purchases: [invoice(pro), backfill] });
      const result = compute(input);
      expect(result.features).toContain('historical_backfill');
      expect(result.recheckAt).toEqual(at(2 * dayMs));
      expect(compute(input, at(2 * dayMs)).features).not.toContain('historical_backfill');
    });
  });

  describe('determinism', () => {
    it('the result does not depend on the order of the facts', () => {
      const core = subscription({ planId: 'core', status: 'canceled', endedAt: at(-5 * dayMs) });
      const pro = subscription({
        planId: 'pro',
        addons: [{ planId: 'addon_api_quota', planPriceId: null, quantity: 2 }],
      });
      const input = facts({
        subscriptions: [core, pro],
        purchases: [
          invoice(core, { paidAt: at(-40 * dayMs), periodEnd: at(-5 * dayMs), amountRefundedMinor: 900 }),
          invoice(pro, { paidAt: at(-50 * dayMs), periodEnd: at(-20 * dayMs) }),
          invoice(pro),
          oneTime('addon_backfill', { accessDays: 30 }),
          oneTime('addon_mirrorvault', { accessDays: 3, amountMinor: 2900, amountRefundedMinor: 2900 }),
        ],
        grants: [
          grant('pro', { expiresAt: at(40 * dayMs) }),
          grant('pro', { expiresAt: null }),
          grant('vip', { startsAt: at(3 * dayMs) }),
          grant('vip', { revokedAt: at(-1) }),
        ],
        freezes: [freeze({ liftedAt: at(-dayMs) })],
      });
      const expected = compute(input);
      expect(expected).toMatchObject({ tier: 'pro', expiresAt: null, recheckAt: at(3 * dayMs) });
      for (let seed = 1; seed <= 40; seed += 1) {
        const reordered = {
          ...input,
          subscriptions: shuffled(input.subscriptions, seed),
          purchases: shuffled(input.purchases, seed + 100),
          grants: shuffled(input.grants, seed + 200),
          freezes: shuffled(input.freezes, seed + 300),
        };
        expect(compute(reordered)).toEqual(expected);
      }
    });

    it('between equal ranks and equal ends, the same access wins whatever the order of the facts', () => {
      // Moderator-made plans default to the same rank, so ties between different plans are real.
      for (const expiresAt of [null, at(7 * dayMs)]) {
        const grants = [grant('pro', { expiresAt }), grant('pass_30d', { expiresAt })];
        const forward = compute(facts({ grants }));
        expect(compute(facts({ grants: [...grants].reverse() }))).toEqual(forward);
      }
      const ending = subscription({ planId: 'pass_30d', cancelAtPeriodEnd: true, currentPeriodEnd: at(7 * dayMs) });
      const subscriptions = [subscription({ currentPeriodEnd: at(5 * dayMs) }), ending];
      const forward = compute(facts({ subscriptions }));
      expect(forward.expiresAt).toEqual(at(7 * dayMs));
      expect(compute(facts({ subscriptions: [...subscriptions].reverse() }))).toEqual(forward);
    });

    it('when nothing gives access, the explanation does not depend on the order of the facts', () => {
      const endedAt = at(-dayMs);
      const subscriptions = [
        subscription({ planId: 'core', status: 'canceled', endedAt, currentPeriodEnd: endedAt }),
        subscription({ planId: 'vip', status: 'canceled', endedAt, currentPeriodEnd: endedAt }),
      ];
      const forward = compute(facts({ subscriptions }));
      expect(compute(facts({ subscriptions: [...subscriptions].reverse() }))).toEqual(forward);
    });

    it('recheck_at is the earliest moment time alone changes the result', () => {
      const pro = subscription({ currentPeriodEnd: at(10 * dayMs) });
      const input = facts({
        subscriptions: [pro],
        purchases: [invoice(pro)],
        grants: [
          grant('vip', { expiresAt: at(6 * dayMs) }),
          grant('enterprise', { startsAt: at(4 * dayMs), expiresAt: at(8 * dayMs) }),
          grant('addon_seat', { expiresAt: at(5 * dayMs) }),
        ],
      });
      const result = compute(input);
      expect(result).toMatchObject({ tier: 'vip', expiresAt: at(6 * dayMs), recheckAt: at(4 * dayMs) });
      expect(result.quotas.seats).toBe(plan('vip').quotas.seats! + 1);
      // Walking the boundaries one after the other: each recheck_at is where the answer changes.
      const atEnterprise = compute(input, at(4 * dayMs));
      expect(atEnterprise).toMatchObject({ tier: 'enterprise', recheckAt: at(5 * dayMs) });
      const seatGone = compute(input, at(5 * dayMs));
      expect(seatGone).toMatchObject({ tier: 'enterprise', recheckAt: at(6 * dayMs) });
      expect(seatGone.quotas.seats).toBe(plan('enterprise').quotas.seats);
      expect(compute(input, at(8 * dayMs))).toMatchObject({ tier: 'pro', recheckAt: at(12 * dayMs) });
      expect(compute(input, at(12 * dayMs))).toMatchObject({ ...freeAccess, status: 'ended', recheckAt: null });
    });
  });
});
