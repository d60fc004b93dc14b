import { and, desc, eq, exists, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { manualGrants, planPrices, plans, purchases, subscriptions } from '../../db/schema/index.js';
import { subscriptionStanding } from '../entitlements/compute-entitlements.js';
import type { EntitlementPolicy, PurchaseFact } from '../entitlements/entitlement-types.js';
import { grantInForceAt } from '../entitlements/manual-grants.js';
import type { Clock } from '../ports/clock.js';
import { discountedInvoice } from './subscription-discount.js';

/**
 * The business figures moderators read, in `/admin stats` and `GET /admin/revenue` alike: one
 * computation, so the two never disagree. The definitions are in the README ("Business figures").
 */
export interface BusinessFigures {
  /** The moment MRR and the active counts describe. */
  as_of: string;
  /** New and churned are counted in [from, to). */
  period: { from: string; to: string };
  /** Per currency, integer minor units, net of the discounts that still apply. */
  mrr: Array<{ currency: string; amount_minor: number }>;
  /** Active by plan: live subscriptions per tier, the same set MRR sums. */
  active_subscriptions: Array<{ plan_id: string; count: number }>;
  /** Tiers moderators granted by hand, in force now: access without money, never in MRR. */
  granted_by_plan: Array<{ plan_id: string; count: number }>;
  new_subscriptions: number;
  churned_subscriptions: number;
  /** Started before `from` and not yet ended at `from`: the churn rate's denominator. */
  live_at_period_start: number;
  /** churned / live at period start, in basis points rounded half up; null when nothing was live. */
  churn_rate_bps: number | null;
}

export interface Period {
  from: Date;
  to: Date;
}

/** Checkouts that were never paid never started a subscription, so they count nowhere. */
const neverStarted = ['incomplete', 'incomplete_expired'];
/** The only statuses whose subscriptions can grant access now (compute-entitlements.ts), so the only ones MRR reads. */
const mayGrantStatuses = ['trialing', 'active', 'past_due'];

/** The calendar month (UTC) that `now` is in: `/admin stats` and the report's default period. */
export function calendarMonthOf(now: Date): Period {
  return {
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

const earliest = (...moments: Array<Date | null>): Date | null =>
  moments.reduce<Date | null>((first, moment) => (moment && (!first || moment < first) ? moment : first), null);

const isFullyRefunded = (payment: { amountMinor: number; amountRefundedMinor: number }) =>
  payment.amountMinor > 0 && payment.amountRefundedMinor >= payment.amountMinor;

const sortedCounts = (counts: Map<string, number>) =>
  [...counts]
    .map(([planId, count]) => ({ plan_id: planId, count }))
    .sort((left, right) => left.plan_id.localeCompare(right.plan_id));

export function createBusinessFigures(deps: { db: Database; clock: Clock; policy: EntitlementPolicy }) {
  const { db, clock, policy } = deps;

  /**
   * Each subscription's latest payment: the one whose refund or lost dispute voids it (as for
   * access). `onlyMayGrant` keeps to subscriptions whose status may still grant access.
   */
  async function latestPayments(onlyMayGrant: boolean) {
    const rows = await db
      .selectDistinctOn([purchases.provider, purchases.providerSubscriptionId], {
        id: purchases.id,
        provider: purchases.provider,
        kind: purchases.kind,
        providerSubscriptionId: purchases.providerSubscriptionId,
        planId: purchases.planId,
        amountMinor: purchases.amountMinor,
        amountRefundedMinor: purchases.amountRefundedMinor,
        refundedAt: purchases.refundedAt,
        disputeStatus: purchases.disputeStatus,
        disputeClosedAt: purchases.disputeClosedAt,
        paidAt: purchases.paidAt,
        periodEnd: purchases.periodEnd,
      })
      .from(purchases)
      .where(
        and(
          eq(purchases.kind, 'subscription'),
          isNotNull(purchases.providerSubscriptionId),
          onlyMayGrant
            ? exists(
                db
                  .select({ one: sql`1` })
                  .from(subscriptions)
                  .where(
                    and(
                      eq(subscriptions.provider, purchases.provider),
                      eq(subscriptions.providerSubscriptionId, purchases.providerSubscriptionId),
                      inArray(subscriptions.status, mayGrantStatuses),
                    ),
                  ),
              )
            : undefined,
        ),
      )
      .orderBy(
        purchases.provider,
        purchases.providerSubscriptionId,
        desc(sql`coalesce(${purchases.periodEnd}, ${purchases.paidAt})`),
      );
    return new Map(rows.map((row) => [`${row.provider}:${row.providerSubscriptionId}`, row]));
  }

  async function grantedByPlan(now: Date) {
    const rows = await db
      .select({ planId: manualGrants.planId, count: sql<string>`count(distinct ${manualGrants.userId})` })
      .from(manualGrants)
      .innerJoin(plans, eq(plans.id, manualGrants.planId))
      .where(and(eq(plans.kind, 'tier'), grantInForceAt(now)))
      .groupBy(manualGrants.planId);
    return new Map(rows.map((row) => [row.planId, Number(row.count)]));
  }

  type SubscriptionRow = typeof subscriptions.$inferSelect;
  type LatestPayments = Awaited<ReturnType<typeof latestPayments>>;

  const paymentOf = (payments: LatestPayments, subscription: SubscriptionRow) =>
    payments.get(`${subscription.provider}:${subscription.providerSubscriptionId}`);

  /** MRR and active by plan over the subscriptions live now: the part that describes this moment. */
  async function recurring(rows: SubscriptionRow[], payments: LatestPayments, now: Date) {
    const prices = new Map((await db.select().from(planPrices)).map((price) => [price.id, price]));
    const monthly = new Map<string, number>();
    const yearly = new Map<string, number>();
    const activeByPlan = new Map<string, number>();
    for (const subscription of rows) {
      const payment = paymentOf(payments, subscription);
      const paymentFacts: PurchaseFact[] = payment ? [{ ...payment, accessDays: null }] : [];
      // An open dispute freezes the access this payment bought, and the bank holds the money.
      if (!subscriptionStanding(subscription, paymentFacts, policy, now).live || payment?.disputeStatus === 'open')
        continue;
      activeByPlan.set(subscription.planId, (activeByPlan.get(subscription.planId) ?? 0) + 1);
      const tierPrice = subscription.planPriceId ? prices.get(subscription.planPriceId) : undefined;
      if (!tierPrice || (tierPrice.interval !== 'month' && tierPrice.interval !== 'year')) continue;
      // One invoice: the tier and its add-ons (a provider bills them together, on one interval).
      let subtotal = tierPrice.amountMinor;
      for (const addon of subscription.addons) {
        const price = addon.planPriceId ? prices.get(addon.planPriceId) : undefined;
        if (price) subtotal += price.amountMinor * addon.quantity;
      }
      const invoice = discountedInvoice(
        subtotal,
        tierPrice.currency,
        subscription.discount,
        subscription.currentPeriodStart ?? now,
      );
      const bucket = tierPrice.interval === 'year' ? yearly : monthly;
      bucket.set(tierPrice.currency, (bucket.get(tierPrice.currency) ?? 0) + invoice);
    }
    // Annual invoices are summed per currency and divided by twelve once, rounded half up:
    // the result does not depend on row order, and is never off by more than half a unit.
    const currencies = [...new Set([...monthly.keys(), ...yearly.keys()])].sort();
    const mrr = currencies.map((currency) => ({
      currency,
      amount_minor: (monthly.get(currency) ?? 0) + Math.round((yearly.get(currency) ?? 0) / 12),
    }));
    return { mrr, activeByPlan };
  }

  async function figures(period: Period): Promise<BusinessFigures> {
    const now = clock.now();
    const rows = await db.select().from(subscriptions).where(notInArray(subscriptions.status, neverStarted));
    const payments = await latestPayments(false);
    const { mrr, activeByPlan } = await recurring(rows, payments, now);

    let started = 0;
    let churned = 0;
    let liveAtStart = 0;
    for (const subscription of rows) {
      const payment = paymentOf(payments, subscription);
      // A subscription ends when its provider ends it, or when the payment that keeps it is
      // refunded in full or lost in a dispute, whichever came first.
      const endedAt = earliest(
        subscription.endedAt,
        payment && isFullyRefunded(payment) ? payment.refundedAt : null,
        payment?.disputeStatus === 'lost' ? (payment.disputeClosedAt ?? now) : null,
      );
      if (subscription.createdAt >= period.from && subscription.createdAt < period.to) started += 1;
      if (endedAt && endedAt >= period.from && endedAt < period.to) churned += 1;
      if (subscription.createdAt < period.from && (!endedAt || endedAt >= period.from)) liveAtStart += 1;
    }
    return {
      as_of: now.toISOString(),
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      mrr,
      active_subscriptions: sortedCounts(activeByPlan),
      granted_by_plan: sortedCounts(await grantedByPlan(now)),
      new_subscriptions: started,
      churned_subscriptions: churned,
      live_at_period_start: liveAtStart,
      churn_rate_bps: liveAtStart === 0 ? null : Math.round((churned * 10_000) / liveAtStart),
    };
  }

  /**
   * MRR alone, for the metric every scrape reads: only subscriptions whose status may still
   * grant access, with their latest payments, instead of the whole history the period counts need.
   */
  async function monthlyRecurringRevenue() {
    const now = clock.now();
    const rows = await db.select().from(subscriptions).where(inArray(subscriptions.status, mayGrantStatuses));
    return (await recurring(rows, await latestPayments(true), now)).mrr;
  }

  return {
    figures,
    monthlyRecurringRevenue,
    /** The calendar month (UTC) the clock is in: what `/admin stats` shows. */
    monthToDate: () => figures(calendarMonthOf(clock.now())),
  };
}

export type BusinessFiguresService = ReturnType<typeof createBusinessFigures>;
