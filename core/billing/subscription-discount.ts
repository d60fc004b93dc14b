import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { promotions, type SubscriptionDiscount, subscriptions } from '../../db/schema/index.js';
import { discountMinor } from '../promotions/discount-terms.js';
import { addCalendarMonths } from './add-calendar-months.js';

/**
 * Whether the discount takes money off the invoice of the period starting at `periodStart`:
 * the same rule the providers bill by (Stripe's coupon durations), so MRR never counts a
 * discount the member no longer gets.
 */
export function discountCoversPeriod(discount: SubscriptionDiscount, periodStart: Date): boolean {
  if (periodStart.getTime() < new Date(discount.startsAt).getTime()) return false;
  return discount.endsAt === null || periodStart.getTime() < new Date(discount.endsAt).getTime();
}

/** One invoice of `subtotalMinor` in `currency`, less the discount when it covers that period. */
export function discountedInvoice(
  subtotalMinor: number,
  currency: string,
  discount: SubscriptionDiscount | null,
  periodStart: Date,
): number {
  if (!discount || !discountCoversPeriod(discount, periodStart)) return subtotalMinor;
  // An amount off in another currency takes nothing off (Stripe refuses such a coupon).
  if (discount.amountOffMinor !== null && discount.currency !== currency) return subtotalMinor;
  return subtotalMinor - discountMinor(subtotalMinor, discount);
}

/**
 * Copies a completed checkout's promo code onto the subscription it started, inside the
 * event's transaction. Written once: a replayed checkout.completed changes nothing, and a
 * code disabled meanwhile still discounts (the member was promised the price).
 */
export async function recordSubscriptionDiscount(
  executor: Executor,
  input: { provider: string; providerSubscriptionId: string; promotionCode: string; now: Date },
): Promise<void> {
  const [subscription] = await executor
    .select({
      id: subscriptions.id,
      discount: subscriptions.discount,
      currentPeriodStart: subscriptions.currentPeriodStart,
      currentPeriodEnd: subscriptions.currentPeriodEnd,
    })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, input.provider),
        eq(subscriptions.providerSubscriptionId, input.providerSubscriptionId),
      ),
    );
  if (!subscription || subscription.discount) return;
  const [promotion] = await executor.select().from(promotions).where(eq(promotions.code, input.promotionCode));
  if (!promotion) return;
  const duration = promotion.duration as SubscriptionDiscount['duration'];
  const startsAt = subscription.currentPeriodStart ?? input.now;
  // `once` discounts the first period's invoice; `repeating` every period starting in N months.
  const endsAt =
    duration === 'forever'
      ? null
      : duration === 'once'
        ? (subscription.currentPeriodEnd ?? addCalendarMonths(startsAt, 1))
        : addCalendarMonths(startsAt, promotion.durationInMonths ?? 1);
  const discount: SubscriptionDiscount = {
    code: promotion.code,
    percentOff: promotion.percentOff,
    amountOffMinor: promotion.amountOffMinor,
    currency: promotion.currency,
    duration,
    durationInMonths: promotion.durationInMonths,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt?.toISOString() ?? null,
  };
  await executor
    .update(subscriptions)
    .set({ discount })
    .where(and(eq(subscriptions.id, subscription.id), isNull(subscriptions.discount)));
}
