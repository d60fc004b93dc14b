import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { promotionRedemptions, promotions } from '../../db/schema/index.js';

/** How many members have used the promotion: counted from the rows, never from a counter. */
export async function countRedemptions(executor: Executor, promotionId: string): Promise<number> {
  const [row] = await executor
    .select({ count: sql<number>`count(*)` })
    .from(promotionRedemptions)
    .where(eq(promotionRedemptions.promotionId, promotionId));
  return Number(row?.count ?? 0);
}

export async function hasRedeemed(executor: Executor, promotionId: string, userId: string): Promise<boolean> {
  const [row] = await executor
    .select({ id: promotionRedemptions.id })
    .from(promotionRedemptions)
    .where(and(eq(promotionRedemptions.promotionId, promotionId), eq(promotionRedemptions.userId, userId)));
  return row !== undefined;
}

/**
 * Called when a checkout that carried the code completes, inside the event's transaction.
 * The unique (promotion, member) key makes a replayed checkout.completed record nothing twice.
 * Recorded even if the code was disabled meanwhile: the member did pay the discounted price.
 */
export async function recordPromotionRedemption(
  executor: Executor,
  input: { code: string; userId: string; checkoutSessionId: string | null; at: Date },
): Promise<boolean> {
  const [promotion] = await executor
    .select({ id: promotions.id })
    .from(promotions)
    .where(eq(promotions.code, input.code));
  if (!promotion) return false;
  const inserted = await executor
    .insert(promotionRedemptions)
    .values({
      promotionId: promotion.id,
      userId: input.userId,
      checkoutSessionId: input.checkoutSessionId,
      redeemedAt: input.at,
    })
    .onConflictDoNothing()
    .returning({ id: promotionRedemptions.id });
  return inserted.length > 0;
}
