import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client.js';
import { planPrices, plans } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { conflict, notFound } from '../errors.js';
import { countSubscribersByPrice } from './count-subscribers-by-price.js';
import { defaultCatalog } from './default-catalog.js';
import type { CreatePlanInput, PriceInput, UpdatePlanInput } from './plan-schemas.js';

export type PlanRow = typeof plans.$inferSelect;
export type PriceRow = typeof planPrices.$inferSelect;
export type PlanWithPrices = PlanRow & { prices: PriceRow[] };

const priceId = (planId: string, interval: string, currency: string, version: number) =>
  `${planId}_${interval}_${currency}_v${version}`;

/** Told after a plan's features, quotas or availability changed (committed): its holders' access is recomputed. */
export type PlanChangeListener = (planId: string) => Promise<unknown>;

/** Fields whose change alters what holders of the plan get (a price change does not: they keep theirs). */
const entitlementFields = ['features', 'quotas', 'active', 'rank'] as const;

/** Equal as stored: jsonb keeps no key order, so quotas compare with sorted keys. */
const sameValue = (left: unknown, right: unknown) => {
  const canonical = (value: unknown) =>
    JSON.stringify(
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([first], [second]) => first.localeCompare(second)))
        : value,
    );
  return canonical(left) === canonical(right);
};

export function createCatalogService(deps: {
  db: Database;
  defaultCurrency: string;
  /**
   * How long this process reuses the plan lists (pricing page, /tiers, billing and admin pages). Writes through
   * this service clear it at once; another process sees a change within this time. Checkout
   * never reads it: prices charged are always read fresh.
   */
  activePlansCacheMs?: number;
}) {
  const { db, defaultCurrency } = deps;
  const activePlansCacheMs = deps.activePlansCacheMs ?? 0;
  // Two lists: the active plans (pricing, /tiers) and every plan (billing and admin pages).
  const cachedLists = new Map<boolean, { plans: Promise<PlanWithPrices[]>; expiresAt: number }>();
  const forgetActivePlans = () => {
    cachedLists.clear();
  };
  /** Clears the cached list when a write ends, committed or not (a failed write may have half-read it). */
  async function writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      forgetActivePlans();
    }
  }
  const planChangeListeners: PlanChangeListener[] = [];

  async function insertPriceVersion(executor: Executor, planId: string, price: PriceInput) {
    const currency = price.currency ?? defaultCurrency;
    const existing = await executor
      .select()
      .from(planPrices)
      .where(
        and(eq(planPrices.planId, planId), eq(planPrices.interval, price.interval), eq(planPrices.currency, currency)),
      );
    const version = existing.reduce((highest, row) => Math.max(highest, row.version), 0) + 1;
    await executor
      .update(planPrices)
      .set({ active: false })
      .where(
        and(eq(planPrices.planId, planId), eq(planPrices.interval, price.interval), eq(planPrices.currency, currency)),
      );
    const [row] = await executor
      .insert(planPrices)
      .values({
        id: priceId(planId, price.interval, currency, version),
        planId,
        interval: price.interval,
        amountMinor: price.amount_minor,
        currency,
        version,
        accessDays: price.access_days ?? null,
        active: true,
      })
      .returning();
    return row!;
  }

  /** A plan and its first price versions; false (and nothing written) when the id is taken. */
  async function insertPlan(executor: Executor, input: CreatePlanInput): Promise<boolean> {
    const inserted = await executor
      .insert(plans)
      .values({
        id: input.id,
        kind: input.kind,
        name: input.name,
        description: input.description,
        rank: input.rank,
        features: input.features,
        quotas: input.quotas,
        contactSales: input.contact_sales,
      })
      .onConflictDoNothing()
      .returning({ id: plans.id });
    if (inserted.length === 0) return false;
    for (const price of input.prices) await insertPriceVersion(executor, input.id, price);
    return true;
  }

  async function readPlans(options: { includeInactive?: boolean }): Promise<PlanWithPrices[]> {
    const planRows = await db
      .select()
      .from(plans)
      .where(options.includeInactive ? undefined : eq(plans.active, true))
      // Tiers first ("tier" sorts after "addon"), cheapest first.
      .orderBy(desc(plans.kind), asc(plans.rank), asc(plans.id));
    const priceRows = await db
      .select()
      .from(planPrices)
      .where(options.includeInactive ? undefined : eq(planPrices.active, true))
      .orderBy(asc(planPrices.planId), asc(planPrices.interval), asc(planPrices.version));
    return withPrices(planRows, priceRows);
  }

  const withPrices = (planRows: PlanRow[], priceRows: PriceRow[]): PlanWithPrices[] =>
    planRows.map((plan) => ({ ...plan, prices: priceRows.filter((price) => price.planId === plan.id) }));

  return {
    /** Inserts the default catalog where missing (never overwrites what moderators changed); returns the plans it inserted. */
    async seed(): Promise<string[]> {
      return writing(() =>
        db.transaction(async (transaction) => {
          const inserted: string[] = [];
          for (const plan of defaultCatalog) if (await insertPlan(transaction, plan)) inserted.push(plan.id);
          return inserted;
        }),
      );
    },

    /** Lists come from the short-lived cache; callers get their own copies to change freely. */
    async listPlans(options: { includeInactive?: boolean } = {}): Promise<PlanWithPrices[]> {
      if (activePlansCacheMs <= 0) return readPlans(options);
      const includeInactive = options.includeInactive === true;
      const now = Date.now();
      let entry = cachedLists.get(includeInactive);
      if (!entry || entry.expiresAt <= now) {
        const fresh = { plans: readPlans({ includeInactive }), expiresAt: now + activePlansCacheMs };
        entry = fresh;
        cachedLists.set(includeInactive, fresh);
        // A failed read is not kept: the next caller tries again.
        fresh.plans.catch(() => {
          if (cachedLists.get(includeInactive) === fresh) cachedLists.delete(includeInactive);
        });
      }
      const cached = await entry.plans;
      return cached.map((plan) => ({ ...plan, prices: [...plan.prices] }));
    },

    forgetActivePlans,

    async getPlan(id: string, executor: Executor = db): Promise<PlanWithPrices> {
      const [plan] = await executor.select().from(plans).where(eq(plans.id, id));
      if (!plan) throw notFound('plan_not_found', `No plan with id "${id}".`, { plan_id: id });
      const priceRows = await executor.select().from(planPrices).where(eq(planPrices.planId, id));
      return { ...plan, prices: priceRows };
    },

    async getPrice(id: string, executor: Executor = db): Promise<PriceRow> {
      const [price] = await executor.select().from(planPrices).where(eq(planPrices.id, id));
      if (!price) throw notFound('price_not_found', `No price with id "${id}".`, { price_id: id });
      return price;
    },

    async findPriceByStripeId(stripePriceId: string, executor: Executor = db): Promise<PriceRow | undefined> {
      const [price] = await executor.select().from(planPrices).where(eq(planPrices.stripePriceId, stripePriceId));
      return price;
    },

    async rememberStripePrice(id: string, stripePriceId: string) {
      await writing(() => db.update(planPrices).set({ stripePriceId }).where(eq(planPrices.id, id)));
    },

    /** Every plan keyed by id: what the entitlement function needs to read quotas and features. */
    async planIndex(executor: Executor = db): Promise<Map<string, PlanRow>> {
      const rows = await executor.select().from(plans);
      return new Map(rows.map((row) => [row.id, row]));
    },

    async createPlan(input: CreatePlanInput, actor: string): Promise<PlanWithPrices> {
      return writing(() =>
        db.transaction(async (transaction) => {
          if (!(await insertPlan(transaction, input)))
            throw conflict('plan_exists', `A plan with id "${input.id}" already exists.`);
          await recordAudit(transaction, {
            actor,
            action: 'plan.created',
            subjectType: 'plan',
            subjectId: input.id,
            details: { input },
          });
          return this.getPlan(input.id, transaction);
        }),
      );
    },

    async updatePlan(id: string, input: UpdatePlanInput, actor: string): Promise<PlanWithPrices> {
      let holdersAffected = false;
      const updated = await writing(() =>
        db.transaction(async (transaction) => {
          const before = await this.getPlan(id, transaction);
          holdersAffected = entitlementFields.some(
            (field) => input[field] !== undefined && !sameValue(input[field], before[field]),
          );
          const { prices, contact_sales: contactSales, ...fields } = input;
          await transaction
            .update(plans)
            .set({
              ...fields,
              ...(contactSales === undefined ? {} : { contactSales }),
              updatedAt: new Date(),
            })
            .where(eq(plans.id, id));
          for (const price of prices ?? []) await insertPriceVersion(transaction, id, price);
          await recordAudit(transaction, {
            actor,
            action: 'plan.updated',
            subjectType: 'plan',
            subjectId: id,
            details: { input, before: { ...before, prices: before.prices.filter((price) => price.active) } },
          });
          return this.getPlan(id, transaction);
        }),
      );
      if (holdersAffected) for (const listener of planChangeListeners) await listener(id);
      return updated;
    },

    /** Registers what runs after a plan's entitlement fields change (core/index.ts: recompute its holders). */
    onPlanChanged(listener: PlanChangeListener) {
      planChangeListeners.push(listener);
    },

    /** Current subscriptions per price version (plan price id): who is still on an old price. */
    async subscribersByPrice(): Promise<Map<string, number>> {
      return countSubscribersByPrice(db);
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
