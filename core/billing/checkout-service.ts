import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { checkoutSessions, providerCustomers, subscriptions, users } from '../../db/schema/index.js';
import type { CatalogService, PriceRow } from '../catalog/catalog-service.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import {
  checkoutFunnelKey,
  type FunnelPlatform,
  funnelPlatformOf,
  recordFunnelEvent,
} from '../funnel/funnel-events.js';
import type { Clock } from '../ports/clock.js';
import type { CheckoutDiscount, PaymentProvider } from '../ports/payment-provider.js';
import type { PromotionService } from '../promotions/promotion-service.js';
import { ensureProviderCoupon } from '../promotions/provider-coupons.js';
import { metadataKeys } from './metadata-keys.js';
import { checkoutLine, ensureProviderPrice } from './provider-prices.js';

export interface CheckoutRequest {
  userId: string;
  planId: string;
  interval?: 'month' | 'year' | 'one_time' | undefined;
  provider?: string | undefined;
  addons?: Array<{ planId: string; quantity: number }> | undefined;
  referralCode?: string | undefined;
  /** A promo code, checked again here for the plan and passed to the provider as a discount. */
  promoCode?: string | undefined;
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
  /** Opened from a personal link: the checkout lives exactly as long as the link said. */
  expiresAt?: Date | undefined;
  /** Where the member asked (a bot's platform, or the web): the funnel counts the checkout there. */
  source?: FunnelPlatform | undefined;
}

export interface CheckoutResult {
  session_id: string;
  url: string;
  provider: string;
  expires_at: string;
  reused: boolean;
}

/** Providers keep idempotency keys for 24 hours; we reuse ours for a little less. */
const idempotencyWindowMs = 23 * 3_600_000;
/** A create that has not finished by then is presumed dead and may be retried. */
const creatingTimeoutMs = 60_000;

/** Subscriptions in these states still hold the tier: a second checkout would double-charge. */
const holdingStatuses = ['trialing', 'active', 'past_due'];

export function createCheckoutService(deps: {
  db: Database;
  catalog: CatalogService;
  providers: ReadonlyMap<string, PaymentProvider>;
  defaultProvider: string;
  defaultCurrency: string;
  idempotencyPrefix: string;
  publicUrl: string;
  clock: Clock;
  logger: Logger;
  promotions: PromotionService;
}) {
  const { db, catalog, clock } = deps;

  const activePrice = (prices: PriceRow[], interval: string, planId: string) => {
    const price = prices.find(
      (candidate) => candidate.active && candidate.interval === interval && candidate.currency === deps.defaultCurrency,
    );
    if (!price)
      throw badRequest('price_not_available', `Plan "${planId}" has no ${interval} price in ${deps.defaultCurrency}.`, {
        plan_id: planId,
        interval,
      });
    return price;
  };

  /** Our customer at the provider, created once per user (the idempotency key makes retries safe). */
  async function providerCustomerFor(provider: PaymentProvider, user: { id: string; email: string | null }) {
    const storedCustomer = async () => {
      const [row] = await db
        .select({ providerCustomerId: providerCustomers.providerCustomerId })
        .from(providerCustomers)
        .where(and(eq(providerCustomers.provider, provider.name), eq(providerCustomers.userId, user.id)));
      return row?.providerCustomerId;
    };
    const known = await storedCustomer();
    if (known) return known;
    const created = await provider.ensureCustomer({
      userId: user.id,
      email: user.email,
      idempotencyKey: `${deps.idempotencyPrefix}-customer-${user.id}`,
    });
    if (!created) return null;
    const [inserted] = await db
      .insert(providerCustomers)
      .values({ userId: user.id, provider: provider.name, providerCustomerId: created.providerCustomerId })
      .onConflictDoNothing()
      .returning({ providerCustomerId: providerCustomers.providerCustomerId });
    // Lost a race with a concurrent checkout: theirs is the one stored, use it.
    return inserted?.providerCustomerId ?? (await storedCustomer()) ?? created.providerCustomerId;
  }

  async function buildLines(request: CheckoutRequest, providerName: string) {
    const plan = await catalog.getPlan(request.planId);
    if (!plan.active || plan.kind !== 'tier')
      throw badRequest('plan_not_purchasable', `Plan "${plan.id}" cannot be bought.`, { plan_id: plan.id });
    if (plan.contactSales)
      throw badRequest('plan_contact_sales', `${plan.name} is sold by our team; contact us to subscribe.`, {
        plan_id: plan.id,
      });
    const interval = request.interval ?? 'month';
    const tierPrice = activePrice(plan.prices, interval, plan.id);
    const line = (name: string, price: PriceRow, quantity: number) => checkoutLine(name, price, quantity, providerName);
    const lines = [line(plan.name, tierPrice, 1)];
    const seen = new Set<string>();
    for (const addon of request.addons ?? []) {
      if (seen.has(addon.planId)) throw badRequest('addon_duplicated', `Add-on "${addon.planId}" is listed twice.`);
      seen.add(addon.planId);
      const addonPlan = await catalog.getPlan(addon.planId);
      if (!addonPlan.active || addonPlan.kind !== 'addon')
        throw badRequest('addon_not_purchasable', `"${addon.planId}" is not an add-on that can be bought.`);
      lines.push(line(addonPlan.name, activePrice(addonPlan.prices, interval, addonPlan.id), addon.quantity));
    }
    return { plan, lines, mode: interval === 'one_time' ? ('payment' as const) : ('subscription' as const) };
  }

  const checkoutInProgress = () =>
    conflict('checkout_in_progress', 'A checkout for the same request is being created; retry in a moment.');

  /**
   * Decides what to do with earlier attempts at the same intent: hand back an open session,
   * retry a failed one under its original idempotency key, or start a new one.
   */
  async function claimCheckoutRow(intentKey: string, now: Date) {
    const [latest] = await db
      .select()
      .from(checkoutSessions)
      .where(
        and(
          eq(checkoutSessions.intentKey, intentKey),
          inArray(checkoutSessions.status, ['open', 'creating', 'failed']),
          gt(checkoutSessions.createdAt, new Date(now.getTime() - idempotencyWindowMs)),
        ),
      )
      .orderBy(desc(checkoutSessions.createdAt))
      .limit(1);
    if (!latest) return { kind: 'new' as const };
    if (latest.status === 'open' && latest.url && latest.expiresAt > now) return { kind: 'open' as const, row: latest };
    if (latest.status === 'open') {
      await db.update(checkoutSessions).set({ status: 'expired' }).where(eq(checkoutSessions.id, latest.id));
      return { kind: 'new' as const };
    }
    if (latest.status === 'creating' && now.getTime() - latest.createdAt.getTime() < creatingTimeoutMs)
      throw checkoutInProgress();
    try {
      const [claimed] = await db
        .update(checkoutSessions)
        .set({ status: 'creating', createdAt: latest.status === 'failed' ? latest.createdAt : now })
        .where(and(eq(checkoutSessions.id, latest.id), eq(checkoutSessions.status, latest.status)))
        .returning();
      if (!claimed) throw checkoutInProgress();
      return { kind: 'retry' as const, row: claimed };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw checkoutInProgress();
    }
  }

  return {
    async createCheckout(request: CheckoutRequest): Promise<CheckoutResult> {
      const providerName = request.provider === 'mock' ? 'sandbox' : (request.provider ?? deps.defaultProvider);
      const provider = deps.providers.get(providerName);
      if (!provider)
        throw badRequest('provider_not_configured', `The ${providerName} provider is not configured.`, {
          provider: providerName,
        });
      const [user] = await db.select().from(users).where(eq(users.id, request.userId));
      if (!user) throw notFound('user_not_found', `No user with id "${request.userId}".`, { user_id: request.userId });
      const { plan, lines, mode } = await buildLines(request, providerName);
      const promoCode = request.promoCode?.trim() ? request.promoCode.trim().toUpperCase() : null;
      let discount: CheckoutDiscount | null = promoCode
        ? await deps.promotions.discountForCheckout(user.id, promoCode, {
            planId: plan.id,
            currency: lines[0]!.currency,
          })
        : null;
      if (mode === 'subscription') {
        const [holding] = await db
          .select({ id: subscriptions.id, planId: subscriptions.planId })
          .from(subscriptions)
          .where(and(eq(subscriptions.userId, user.id), inArray(subscriptions.status, holdingStatuses)));
        if (holding)
          throw conflict('already_subscribed', 'This member already has a subscription; change plan instead.', {
            subscription_plan_id: holding.planId,
          });
      }

      const now = clock.now();
      const intentKey = createHash('sha256')
        .update(
          JSON.stringify([
            user.id,
            providerName,
            lines.map((each) => [each.planPriceId, each.quantity]),
            request.referralCode ?? null,
            promoCode,
          ]),
        )
        .digest('hex');
      const reusable = await claimCheckoutRow(intentKey, now);
      if (reusable.kind === 'open')
        return {
          session_id: reusable.row.id,
          url: reusable.row.url!,
          provider: providerName,
          expires_at: reusable.row.expiresAt.toISOString(),
          reused: true,
        };
      const checkoutId = reusable.kind === 'retry' ? reusable.row.id : randomUUID();
      // Stable per checkout intent: a retry after a lost provider response gets the same session back.
      const idempotencyKey =
        reusable.kind === 'retry' ? reusable.row.idempotencyKey : `${deps.idempotencyPrefix}-checkout-${checkoutId}`;
      if (reusable.kind === 'new') {
        const inserted = await db
          .insert(checkoutSessions)
          .values({
            id: checkoutId,
            userId: user.id,
            provider: providerName,
            mode,
            planId: plan.id,
            planPriceId: lines[0]!.planPriceId,
            lineItems: lines.map((each) => ({
              planId: each.planId,
              planPriceId: each.planPriceId,
              quantity: each.quantity,
            })),
            referralCode: request.referralCode ?? null,
            promotionCode: promoCode,
            source: funnelPlatformOf(request.source),
            intentKey,
            idempotencyKey,
            status: 'creating',
            expiresAt: request.expiresAt ?? new Date(now.getTime() + 24 * 3_600_000),
            createdAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: checkoutSessions.id });
        if (!inserted.length) throw checkoutInProgress();
      }

      try {
        const providerCustomerId = await providerCustomerFor(provider, user);
        for (const each of lines)
          each.providerPriceId = await ensureProviderPrice(catalog, provider, each, deps.idempotencyPrefix);
        if (discount)
          discount = await ensureProviderCoupon(deps.promotions, provider, discount, deps.idempotencyPrefix);
        const metadata: Record<string, string> = {
          [metadataKeys.userId]: user.id,
          [metadataKeys.checkoutId]: checkoutId,
          [metadataKeys.planId]: plan.id,
          [metadataKeys.planPriceId]: lines[0]!.planPriceId,
        };
        const session = await provider.createCheckout({
          checkoutId,
          userId: user.id,
          email: user.email,
          providerCustomerId,
          mode,
          lines,
          // Pages that say what happened and what comes next (web/routes/pages/account-pages.ts).
          successUrl: request.successUrl ?? `${deps.publicUrl}/checkout/success`,
          cancelUrl: request.cancelUrl ?? `${deps.publicUrl}/checkout/canceled`,
          idempotencyKey,
          metadata,
          discount,
          expiresAt: request.expiresAt ?? null,
        });
        await db
          .update(checkoutSessions)
          .set({
            status: 'open',
            providerSessionId: session.providerSessionId,
            url: session.url,
            expiresAt: session.expiresAt,
          })
          .where(eq(checkoutSessions.id, checkoutId));
        await recordFunnelEvent(db, {
          event: 'checkout_opened',
          // A retried row keeps the platform it was first asked from.
          platform: funnelPlatformOf(reusable.kind === 'retry' ? reusable.row.source : request.source),
          userId: user.id,
          planId: plan.id,
          businessKey: checkoutFunnelKey('checkout_opened', checkoutId),
          occurredAt: clock.now(),
        });
        return {
          session_id: checkoutId,
          url: session.url,
          provider: providerName,
          expires_at: session.expiresAt.toISOString(),
          reused: false,
        };
      } catch (error) {
        await db.update(checkoutSessions).set({ status: 'failed' }).where(eq(checkoutSessions.id, checkoutId));
        deps.logger.warn({ err: error, checkoutId }, 'checkout creation failed');
        if (error instanceof AppError) throw error;
        throw new AppError('provider_unavailable', 'The payment provider could not create the checkout.', {
          status: 502,
          retryable: true,
          cause: error,
        });
      }
    },
  };
}
