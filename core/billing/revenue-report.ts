import { and, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { billingLedger } from '../../db/schema/index.js';
import type { BusinessFigures, BusinessFiguresService, Period } from './business-figures.js';

/** The business figures plus the money the ledger booked in the period, by provider. */
export interface RevenueReport extends BusinessFigures {
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

/** The business figures (one computation, shared with `/admin stats`) and the ledger's money by provider. */
export async function buildRevenueReport(
  db: Database,
  businessFigures: BusinessFiguresService,
  period: Period,
): Promise<RevenueReport> {
  const figures = await businessFigures.figures(period);
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
    // Members' crypto credit is theirs until a renewal spends it (then it is booked as a payment).
    if (row.account !== 'revenue') continue;
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
    ...figures,
    revenue_by_provider: [...providers.values()],
    vault: [...vault].map(([currency, amount]) => ({ currency, contributed_minor: amount })),
  };
}
