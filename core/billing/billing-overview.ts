import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { identities } from '../../db/schema/index.js';
import type { CatalogService, PlanWithPrices } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { isAppError } from '../errors.js';
import type { ReferralService } from '../referrals/referral-service.js';
import { listMemberInvoices, type MemberInvoice } from './member-invoices.js';
import { discountedInvoice } from './subscription-discount.js';
import type { createSubscriptionService } from './subscription-service.js';

const chatPlatforms = ['discord', 'telegram', 'slack'];

export interface PlanChoice {
  planId: string;
  name: string;
  amountMinor: number;
  currency: string;
  interval: string;
  direction: 'upgrade' | 'downgrade';
}

export interface SubscriptionSummary {
  provider: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | null;
  interval: string | null;
  /** The next renewal, when it will happen: the plan price plus add-ons, less a discount that covers it. */
  nextCharge: { at: Date; amountMinor: number; currency: string } | null;
  /** When a canceled-at-period-end subscription stops. */
  endsAt: Date | null;
  /** What we know of how it is paid, without inventing card details we do not store. */
  paymentMethod: string;
}

export interface BillingOverview {
  planId: string;
  planName: string;
  /** The same sentence the bots' /why gives: the entitlement's own explanation. */
  explanation: string;
  status: string;
  subscription: SubscriptionSummary | null;
  addons: Array<{ planId: string; name: string; quantity: number }>;
  /** Other tiers the subscription can switch to (same interval), cheapest first. */
  planChoices: PlanChoice[];
  invoices: Array<MemberInvoice & { planName: string | null }>;
  linkedAccounts: Array<{ platform: string; username: string | null }>;
  referral: { code: string; url: string; referred: number; paying: number };
}

/** Our data holds no card details (the provider keeps them), so we say where they are managed. */
const paymentMethodOf = (provider: string) =>
  provider === 'sandbox' ? 'Sandbox test payments (no real card is charged)' : 'Card, managed in the payment portal';

/** Everything the member's billing page shows, read from our own tables and the catalog. */
export function createBillingOverview(deps: {
  db: Database;
  catalog: CatalogService;
  entitlements: EntitlementService;
  subscriptions: Pick<ReturnType<typeof createSubscriptionService>, 'currentSubscription'>;
  referrals: Pick<ReferralService, 'stats'>;
}) {
  const nameOf = (plansById: Map<string, PlanWithPrices>, planId: string | null) =>
    planId === null ? null : (plansById.get(planId)?.name ?? planId);

  async function priceAmount(planPriceId: string | null) {
    if (!planPriceId) return null;
    try {
      return await deps.catalog.getPrice(planPriceId);
    } catch (error) {
      // A price row removed from the catalog leaves the amount unknown rather than failing the page.
      if (isAppError(error) && error.code === 'price_not_found') return null;
      throw error;
    }
  }

  return {
    async forMember(userId: string): Promise<BillingOverview> {
      const [view, subscription, allPlans, invoices, linked, referral] = await Promise.all([
        deps.entitlements.get(userId),
        deps.subscriptions.currentSubscription(userId),
        deps.catalog.listPlans({ includeInactive: true }),
        listMemberInvoices(deps.db, userId),
        deps.db
          .select({ platform: identities.platform, username: identities.username })
          .from(identities)
          .where(eq(identities.userId, userId))
          .orderBy(asc(identities.platform), asc(identities.createdAt)),
        deps.referrals.stats(userId),
      ]);
      const plansById = new Map(allPlans.map((plan) => [plan.id, plan]));

      let summary: SubscriptionSummary | null = null;
      let planChoices: PlanChoice[] = [];
      if (subscription) {
        const tierPrice = await priceAmount(subscription.planPriceId);
        const addonPrices = await Promise.all(subscription.addons.map((addon) => priceAmount(addon.planPriceId)));
        const currency = tierPrice?.currency ?? null;
        const known = tierPrice !== null && addonPrices.every((price) => price !== null && price.currency === currency);
        const subtotal = known
          ? tierPrice.amountMinor +
            subscription.addons.reduce(
              (sum, addon, index) => sum + (addonPrices[index]?.amountMinor ?? 0) * addon.quantity,
              0,
            )
          : null;
        const periodEnd = subscription.currentPeriodEnd;
        summary = {
          provider: subscription.provider,
          status: subscription.status,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
          currentPeriodEnd: periodEnd,
          interval: tierPrice?.interval ?? null,
          nextCharge:
            !subscription.cancelAtPeriodEnd && periodEnd && subtotal !== null && currency
              ? {
                  at: periodEnd,
                  amountMinor: discountedInvoice(subtotal, currency, subscription.discount, periodEnd),
                  currency,
                }
              : null,
          endsAt: subscription.cancelAtPeriodEnd ? periodEnd : null,
          paymentMethod: paymentMethodOf(subscription.provider),
        };
        const interval = tierPrice?.interval ?? 'month';
        const currentAmount = tierPrice?.amountMinor ?? 0;
        planChoices = allPlans.flatMap((plan) => {
          if (!plan.active || plan.kind !== 'tier' || plan.contactSales || plan.id === subscription.planId) return [];
          const price = plan.prices.find((each) => each.active && each.interval === interval);
          if (!price || price.amountMinor <= 0 || (currency && price.currency !== currency)) return [];
          return [
            {
              planId: plan.id,
              name: plan.name,
              amountMinor: price.amountMinor,
              currency: price.currency,
              interval: price.interval,
              direction: price.amountMinor > currentAmount ? ('upgrade' as const) : ('downgrade' as const),
            },
          ];
        });
      }

      return {
        planId: view.tier,
        planName: nameOf(plansById, view.tier) ?? view.tier,
        explanation: view.explanation,
        status: view.status,
        subscription: summary,
        addons: (subscription?.addons ?? []).map((addon) => ({
          planId: addon.planId,
          name: nameOf(plansById, addon.planId) ?? addon.planId,
          quantity: addon.quantity,
        })),
        planChoices,
        invoices: invoices.map((invoice) => ({ ...invoice, planName: nameOf(plansById, invoice.planId) })),
        linkedAccounts: linked.filter((identity) => chatPlatforms.includes(identity.platform)),
        referral,
      };
    },
  };
}

export type BillingOverviewService = ReturnType<typeof createBillingOverview>;
