import { eq } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { checkoutSessions } from '../../../db/schema/index.js';
import { checkoutFunnelKey, funnelPlatformOf, recordFunnelEvent } from '../../funnel/funnel-events.js';
import { recordPromotionRedemption } from '../../promotions/promotion-redemptions.js';

type CheckoutRow = typeof checkoutSessions.$inferSelect;

/** A crypto checkout is complete when its invoice buys what it was for; counted once, as for cards. */
export async function completeCryptoCheckout(executor: Executor, checkout: CheckoutRow, userId: string, now: Date) {
  if (checkout.status !== 'completed')
    await executor
      .update(checkoutSessions)
      .set({ status: 'completed', completedAt: now })
      .where(eq(checkoutSessions.id, checkout.id));
  await recordFunnelEvent(executor, {
    event: 'checkout_completed',
    platform: funnelPlatformOf(checkout.source),
    userId,
    planId: checkout.planId,
    businessKey: checkoutFunnelKey('checkout_completed', checkout.id),
    occurredAt: now,
  });
  if (checkout.promotionCode)
    await recordPromotionRedemption(executor, {
      code: checkout.promotionCode,
      userId,
      checkoutSessionId: checkout.id,
      at: now,
    });
}
