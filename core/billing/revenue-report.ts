import { and, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { billingLedger, planPrices, subscriptions } from '../../db/schema/index.js';

/** Statuses that count toward MRR: money is expected every period. */
const recurringStatuses = ['active', 'past_due', 'trialing'];

const monthlyAmount = (amountMinor: number, interval: string) =>
  interval === 'year' ? Math.round(amountMinor / 12) : interval === 'month' ? amountMinor : 0;

export interface RevenueReport {
  period: { from: string; to: string };
  mrr: Array<{ currency: string; amount_minor: number }>;
  active_subscriptions: Array<{ plan_id: string; count: number }>;
  new_subscriptions: number;
  churned_subscriptions: number;
  revenue_by_provider: Array<{
    provider: string;
    currency: string;
    gross_minor: number;
    refunds_minor: number;
    disputes_minor: number;
    net_minor: number;
  }>;
  vault: Array<{ currency: string; contributed_minor: number }>;
}

/** What recurring subscriptions bring each month, and how many are live per plan, as of now. */
export async function recurringRevenue(db: Database) {
  const live = await db
    .select({
      planId: subscriptions.planId,
      status: subscriptions.status,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      addons: subscriptions.addons,
      planPriceId: subscriptions.planPriceId,
    })
    .from(subscriptions)
    .where(inArray(subscriptions.status, recurringStatuses));
  const prices = new Map((await db.select().from(planPrices)).map((price) => [price.id, price]));
  const mrr = new Map<string, number>();
  const byPlan = new Map<string, number>();
  for (const subscription of live) {
    byPlan.set(subscription.planId, (byPlan.get(subscription.planId) ?? 0) + 1);
    // Trials and subscriptions that will not renew bring no recurring money.
    if (subscription.status === 'trialing' || subscription.cancelAtPeriodEnd) continue;
    const priceIds = [
      { id: subscription.planPriceId, quantity: 1 },
      ...subscription.addons.map((addon) => ({ id: addon.planPriceId, quantity: addon.quantity })),
    ];
    for (const { id, quantity } of priceIds) {
      const price = id ? prices.get(id) : undefined;
      if (!price) continue;
      mrr.set(
        price.currency,
        (mrr.get(price.currency) ?? 0) + monthlyAmount(price.amountMinor, price.interval) * quantity,
      );
    }
  }
  return {
    mrr: [...mrr].map(([currency, amount]) => ({ currency, amount_minor: amount })),
    activeSubscriptions: [...byPlan]
      .map(([planId, count]) => ({ plan_id: planId, count }))
      .sort((left, right) => left.plan_id.localeCompare(right.plan_id)),
  };
}

/** MRR, active by plan, new and churned in a period, and money by provider from the ledger. */
export async function buildRevenueReport(db: Database, period: { from: Date; to: Date }): Promise<RevenueReport> {
  const recurring = await recurringRevenue(db);
  // Raw sql params bypass drizzle's column mapping, and postgres.js refuses a Date there: send text.
  const from = sql`${period.from.toISOString()}::timestamptz`;
  const to = sql`${period.to.toISOString()}::timestamptz`;
  const [counts] = await db
    .select({
      created: sql<string>`count(*) filter (where ${subscriptions.createdAt} >= ${from} and ${subscriptions.createdAt} < ${to})`,
      churned: sql<string>`count(*) filter (where ${subscriptions.endedAt} >= ${from} and ${subscriptions.endedAt} < ${to})`,
    })
    .from(subscriptions);
  const money = await db
    .select({
      provider: billingLedger.provider,
      currency: billingLedger.currency,
      kind: billingLedger.kind,
      account: billingLedger.account,
      total: sql<string>`sum(${billingLedger.amountMinor})`,
    })
    .from(billingLedger)
    .where(and(gte(billingLedger.occurredAt, period.from), lt(billingLedger.occurredAt, period.to)))
    .groupBy(billingLedger.provider, billingLedger.currency, billingLedger.kind, billingLedger.account);

  const providers = new Map<string, RevenueReport['revenue_by_provider'][number]>();
  const vault = new Map<string, number>();
  for (const row of money) {
    const total = Number(row.total);
    if (row.account === 'vault') {
      vault.set(row.currency, (vault.get(row.currency) ?? 0) + total);
      continue;
    }
    const key = `${row.provider}:${row.currency}`;
    const entry = providers.get(key) ?? {
      provider: row.provider,
      currency: row.currency,
      gross_minor: 0,
      refunds_minor: 0,
      disputes_minor: 0,
      net_minor: 0,
    };
    if (row.kind === 'payment') entry.gross_minor += total;
    else if (row.kind === 'refund') entry.refunds_minor += total;
    else entry.disputes_minor += total;
    entry.net_minor += total;
    providers.set(key, entry);
  }
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    mrr: recurring.mrr,
    active_subscriptions: recurring.activeSubscriptions,
    new_subscriptions: Number(counts?.created ?? 0),
    churned_subscriptions: Number(counts?.churned ?? 0),
    revenue_by_provider: [...providers.values()],
    vault: [...vault].map(([currency, amount]) => ({ currency, contributed_minor: amount })),
  };
}
