import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { providerCustomers, purchases, subscriptions } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { badRequest, conflict, isAppError, notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { PaymentProvider, SubscriptionSnapshot } from '../ports/payment-provider.js';
import { applyRefund } from './apply-refund.js';
import { applySubscriptionLifecycle } from './apply-subscription-lifecycle.js';
import { applySubscriptionSnapshot } from './apply-subscription-snapshot.js';
import { isCryptoProvider } from './crypto/crypto-settings.js';
import {
  cancelCryptoSubscription,
  refuseCryptoPlanChange,
  resumeCryptoSubscription,
} from './crypto/crypto-subscription-intents.js';
import { planChangeTarget } from './plan-change-target.js';
import { previewPlanChange } from './preview-plan-change.js';
import { checkoutLine, ensureProviderPrice } from './provider-prices.js';
import { subscriptionEnded, subscriptionNotCanceling } from './subscription-errors.js';
import { subscriptionIntentKey } from './subscription-intent-keys.js';

type SubscriptionRow = typeof subscriptions.$inferSelect;

const liveStatuses = ['trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'paused'];

/** Refusals meaning "an item's price is not in our catalog", which only the catalog can fix. */
const unresolvedItemCodes: ReadonlySet<string> = new Set(['price_unresolved', 'subscription_without_tier']);

export const describeSubscription = (row: SubscriptionRow) => ({
  id: row.id,
  provider: row.provider,
  provider_subscription_id: row.providerSubscriptionId,
  plan_id: row.planId,
  plan_price_id: row.planPriceId,
  addons: row.addons,
  status: row.status,
  cancel_at_period_end: row.cancelAtPeriodEnd,
  current_period_start: row.currentPeriodStart?.toISOString() ?? null,
  current_period_end: row.currentPeriodEnd?.toISOString() ?? null,
  trial_end: row.trialEnd?.toISOString() ?? null,
  canceled_at: row.canceledAt?.toISOString() ?? null,
  ended_at: row.endedAt?.toISOString() ?? null,
});

/** Member self-service and moderator money operations that start on our side. */
export function createSubscriptionService(deps: {
  db: Database;
  catalog: CatalogService;
  entitlements: EntitlementService;
  providers: ReadonlyMap<string, PaymentProvider>;
  idempotencyPrefix: string;
  /** The vault's share of each payment, reversed with a refund applied here. */
  vaultBasisPoints: number;
  clock: Clock;
  logger?: Pick<Logger, 'warn'>;
}) {
  const { db } = deps;

  const providerOf = (name: string) => {
    const provider = deps.providers.get(name);
    if (!provider) throw badRequest('provider_not_configured', `The ${name} provider is not configured.`);
    return provider;
  };

  async function currentSubscription(userId: string): Promise<SubscriptionRow | undefined> {
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, liveStatuses)))
      .orderBy(desc(subscriptions.updatedAt))
      .limit(1);
    return row;
  }

  async function latestSubscription(userId: string): Promise<SubscriptionRow | undefined> {
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.userId, userId))
      .orderBy(desc(subscriptions.updatedAt))
      .limit(1);
    return row;
  }

  async function requireSubscription(userId: string) {
    const row = await currentSubscription(userId);
    if (!row) throw notFound('subscription_not_found', 'This member has no live subscription.', { user_id: userId });
    return row;
  }

  /**
   * What the provider answered is applied at once; its webhook later changes nothing. The
   * provider has already done it, so the answer must never become a failure: when an item's
   * price is not in our catalog, the lifecycle (status, cancellation, period) is stored on the
   * subscription we know and the items wait for the webhook, which retries until they resolve.
   */
  const applyNow = (provider: string, snapshot: SubscriptionSnapshot) =>
    deps.entitlements.commitAndRecompute(async (transaction) => {
      const now = deps.clock.now();
      const userId = await applySubscriptionSnapshot(transaction, provider, snapshot, now).catch(
        async (error: unknown) => {
          if (!isAppError(error) || !unresolvedItemCodes.has(error.code)) throw error;
          deps.logger?.warn(
            { provider, providerSubscriptionId: snapshot.providerSubscriptionId, code: error.code, ...error.context },
            'provider applied a subscription change whose items we cannot map; stored its lifecycle only',
          );
          return applySubscriptionLifecycle(transaction, provider, snapshot, now);
        },
      );
      return { value: undefined, userIds: userId ? [userId] : [] };
    });

  /** A change the member or a moderator asked for, applied as the provider answered it, and audited. */
  async function applyAndAudit(
    subscription: SubscriptionRow,
    snapshot: SubscriptionSnapshot,
    actor: string,
    action: string,
    details: Record<string, unknown>,
  ) {
    await applyNow(subscription.provider, snapshot);
    await recordAudit(db, { actor, action, subjectType: 'subscription', subjectId: subscription.id, details });
  }

  return {
    currentSubscription,

    async status(userId: string) {
      const subscription = await currentSubscription(userId);
      const latest = subscription ?? (await latestSubscription(userId));
      const entitlements = await deps.entitlements.get(userId);
      return {
        user_id: userId,
        subscription: latest ? describeSubscription(latest) : null,
        entitlements,
      };
    },

    async changePlan(input: { userId: string; planId: string; prorate: boolean }, actor: string) {
      const subscription = await requireSubscription(input.userId);
      if (isCryptoProvider(subscription.provider)) throw refuseCryptoPlanChange(subscription);
      const { plan, price } = await planChangeTarget(deps.catalog, subscription, input.planId);
      const provider = providerOf(subscription.provider);
      const line = checkoutLine(plan.name, price, 1, provider.name);
      line.providerPriceId = await ensureProviderPrice(deps.catalog, provider, line, deps.idempotencyPrefix);
      const snapshot = await provider.changePlan({
        providerSubscriptionId: subscription.providerSubscriptionId,
        line,
        prorate: input.prorate,
        idempotencyKey: subscriptionIntentKey(deps.idempotencyPrefix, subscription, { changeToPriceId: price.id }),
      });
      await applyAndAudit(subscription, snapshot, actor, 'subscription.plan_changed', {
        from: subscription.planId,
        to: plan.id,
        prorate: input.prorate,
      });
      return this.status(input.userId);
    },

    /** The member's own switch to `planId`, priced by the provider before they confirm it. */
    async previewPlanChange(input: { userId: string; planId: string }) {
      const subscription = await requireSubscription(input.userId);
      if (isCryptoProvider(subscription.provider)) throw refuseCryptoPlanChange(subscription);
      return previewPlanChange(deps, providerOf(subscription.provider), subscription, input.planId);
    },

    async cancel(input: { userId: string; atPeriodEnd: boolean }, actor: string) {
      const subscription = await requireSubscription(input.userId);
      // Crypto processors hold no subscription: ours is the only one, so the cancel is ours to apply.
      if (isCryptoProvider(subscription.provider)) {
        const snapshot = cancelCryptoSubscription(subscription, input.atPeriodEnd, deps.clock.now());
        await applyAndAudit(subscription, snapshot, actor, 'subscription.canceled', {
          at_period_end: input.atPeriodEnd,
        });
        return this.status(input.userId);
      }
      const provider = providerOf(subscription.provider);
      const snapshot = await provider.cancel({
        providerSubscriptionId: subscription.providerSubscriptionId,
        atPeriodEnd: input.atPeriodEnd,
        idempotencyKey: subscriptionIntentKey(
          deps.idempotencyPrefix,
          subscription,
          input.atPeriodEnd ? 'cancel-period-end' : 'cancel-now',
        ),
      });
      await applyAndAudit(subscription, snapshot, actor, 'subscription.canceled', { at_period_end: input.atPeriodEnd });
      return this.status(input.userId);
    },

    /** Withdraws the member's cancel-at-period-end: the subscription renews again, access stays. */
    async resume(input: { userId: string }, actor: string) {
      const subscription = await currentSubscription(input.userId);
      if (!subscription) {
        const latest = await latestSubscription(input.userId);
        if (latest) throw subscriptionEnded({ user_id: input.userId, subscription_id: latest.id });
        throw notFound('subscription_not_found', 'This member has no subscription.', { user_id: input.userId });
      }
      if (!subscription.cancelAtPeriodEnd)
        throw subscriptionNotCanceling({ user_id: input.userId, subscription_id: subscription.id });
      const snapshot = isCryptoProvider(subscription.provider)
        ? resumeCryptoSubscription(subscription, deps.clock.now())
        : await providerOf(subscription.provider).resume({
            providerSubscriptionId: subscription.providerSubscriptionId,
            idempotencyKey: subscriptionIntentKey(deps.idempotencyPrefix, subscription, 'resume'),
          });
      await applyAndAudit(subscription, snapshot, actor, 'subscription.resumed', {});
      return this.status(input.userId);
    },

    async portal(input: { userId: string; returnUrl: string }) {
      const subscription = await currentSubscription(input.userId);
      const providerName = subscription?.provider ?? 'stripe';
      const [customer] = await db
        .select()
        .from(providerCustomers)
        .where(and(eq(providerCustomers.userId, input.userId), eq(providerCustomers.provider, providerName)));
      if (!customer) throw notFound('customer_not_found', 'This member has no billing account yet.');
      const session = await providerOf(providerName).createPortalSession({
        providerCustomerId: customer.providerCustomerId,
        returnUrl: input.returnUrl,
      });
      if (!session) throw badRequest('portal_not_available', `The ${providerName} provider has no billing portal.`);
      return { url: session.url, provider: providerName };
    },

    /** Asks the provider to refund; the ledger and access change when its refund webhook arrives. */
    async refund(input: { purchaseId: string; amountMinor: number | null; reason: string }, actor: string) {
      const [purchase] = await db.select().from(purchases).where(eq(purchases.id, input.purchaseId));
      if (!purchase) throw notFound('payment_not_found', `No payment with id "${input.purchaseId}".`);
      const refundable = purchase.amountMinor - purchase.amountRefundedMinor;
      const amount = input.amountMinor ?? refundable;
      if (refundable <= 0) throw conflict('payment_already_refunded', 'This payment is already fully refunded.');
      if (amount <= 0 || amount > refundable)
        throw badRequest('refund_amount_invalid', `The refund must be between 1 and ${refundable} minor units.`);
      const result = await providerOf(purchase.provider).refund({
        providerPaymentId: purchase.providerPaymentId,
        chargeReference: purchase.chargeReference,
        amountMinor: input.amountMinor === null ? null : amount,
        idempotencyKey: `${deps.idempotencyPrefix}-refund-${purchase.id}-${purchase.amountRefundedMinor}-${amount}`,
      });
      if (result.settled) {
        const settled = result.settled;
        await deps.entitlements.commitAndRecompute(async (transaction) => {
          const userId = await applyRefund(
            transaction,
            { provider: purchase.provider, paymentEventId: null, vaultBasisPoints: deps.vaultBasisPoints },
            settled,
          );
          return { value: undefined, userIds: userId ? [userId] : [] };
        });
      }
      await recordAudit(db, {
        actor,
        action: 'payment.refund_requested',
        subjectType: 'purchase',
        subjectId: purchase.id,
        details: { amount_minor: amount, reason: input.reason, provider_refund_id: result.providerRefundId },
      });
      return { payment_id: purchase.id, amount_minor: amount, provider_refund_id: result.providerRefundId };
    },
  };
}
