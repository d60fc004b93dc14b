import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { autotradeAccounts } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { AppError } from '../errors.js';
import type { BrokerPosition } from '../ports/broker.js';
import type { Clock } from '../ports/clock.js';
import type { PaperBroker } from './paper-broker.js';

export const autotradeFeature = 'autotrade_sandbox';

export type AutotradeAccount = typeof autotradeAccounts.$inferSelect;

export interface AutotradeStatus {
  userId: string;
  account: AutotradeAccount | null;
  /** Enabled and the member's plan includes the sandbox: new signals are followed. */
  following: boolean;
  /** Open positions marked to their last price (at each matching run). */
  unrealisedPnlMinor: number;
  equityMinor: number | null;
  openPositions: number;
  pendingOrders: number;
  positions: BrokerPosition[];
}

/** Opt in, opt out and look: one paper account per member, created on first opt-in. */
export function createAutotradeAccounts(deps: {
  db: Database;
  clock: Clock;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  broker: PaperBroker;
  startingBalanceMinor: number;
  positionNotionalMinor: number;
  currency: string;
}) {
  const { db } = deps;

  const find = async (userId: string) =>
    (await db.select().from(autotradeAccounts).where(eq(autotradeAccounts.userId, userId)))[0];

  /** The cheapest tier that includes the sandbox, named in the refusal so the member knows what to buy. */
  async function upgradeHint() {
    const tiers = [...(await deps.catalog.planIndex()).values()]
      .filter((plan) => plan.kind === 'tier' && plan.active && plan.features.includes(autotradeFeature))
      .sort((left, right) => left.rank - right.rank);
    return tiers[0];
  }

  async function requireFeature(userId: string) {
    const view = await deps.entitlements.get(userId);
    if (view.features.includes(autotradeFeature)) return;
    const plan = await upgradeHint();
    throw new AppError(
      'autotrade_not_in_plan',
      plan
        ? `The autotrade sandbox comes with ${plan.name} and above. Send /tiers to upgrade.`
        : 'Your plan does not include the autotrade sandbox.',
      { status: 403, context: { feature: autotradeFeature, ...(plan ? { upgrade_plan_id: plan.id } : {}) } },
    );
  }

  return {
    find,
    requireFeature,

    /** Creates the account at the starting balance, or switches an existing one back on (balance kept). */
    async enable(userId: string): Promise<AutotradeAccount> {
      await requireFeature(userId);
      const now = deps.clock.now();
      const [account] = await db
        .insert(autotradeAccounts)
        .values({
          userId,
          enabled: true,
          currency: deps.currency,
          startingBalanceMinor: deps.startingBalanceMinor,
          balanceMinor: deps.startingBalanceMinor,
          positionNotionalMinor: deps.positionNotionalMinor,
          enabledAt: now,
          createdAt: now,
        })
        .onConflictDoUpdate({ target: autotradeAccounts.userId, set: { enabled: true, enabledAt: now } })
        .returning();
      return account!;
    },

    /**
     * Stops following new signals and cancels entries that have not filled; open positions
     * keep their stop and targets, so what was opened is also closed by the rules.
     */
    async disable(userId: string): Promise<{ account: AutotradeAccount | null; canceledOrders: number }> {
      const [account] = await db
        .update(autotradeAccounts)
        .set({ enabled: false, disabledAt: deps.clock.now() })
        .where(eq(autotradeAccounts.userId, userId))
        .returning();
      if (!account) return { account: null, canceledOrders: 0 };
      return { account, canceledOrders: await deps.broker.cancelPendingOrders(account.id) };
    },

    async status(userId: string, options: { limit?: number } = {}): Promise<AutotradeStatus> {
      const account = (await find(userId)) ?? null;
      if (!account)
        return {
          userId,
          account,
          following: false,
          unrealisedPnlMinor: 0,
          equityMinor: null,
          openPositions: 0,
          pendingOrders: 0,
          positions: [],
        };
      const [view, active, recent] = await Promise.all([
        deps.entitlements.get(userId),
        deps.broker.positions(account.id, { active: true, limit: 1000 }),
        deps.broker.positions(account.id, { limit: options.limit ?? 20 }),
      ]);
      const unrealisedPnlMinor = active.reduce((sum, position) => sum + position.unrealisedPnlMinor, 0);
      return {
        userId,
        account,
        following: account.enabled && view.features.includes(autotradeFeature),
        unrealisedPnlMinor,
        equityMinor: account.balanceMinor + unrealisedPnlMinor,
        openPositions: active.filter((position) => position.status === 'open').length,
        pendingOrders: active.filter((position) => position.status === 'pending').length,
        positions: recent,
      };
    },
  };
}

export type AutotradeAccounts = ReturnType<typeof createAutotradeAccounts>;
