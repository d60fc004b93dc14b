import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { pendingCodes } from '../../db/schema/index.js';

export type PendingCodeKind = 'referral' | 'promo';

/** The code a member redeemed, waiting for their next checkout. One per member: the latest wins. */
export async function setPendingCode(
  executor: Executor,
  input: { userId: string; code: string; kind: PendingCodeKind; at: Date },
): Promise<void> {
  await executor
    .insert(pendingCodes)
    .values({ userId: input.userId, code: input.code, kind: input.kind, redeemedAt: input.at })
    .onConflictDoUpdate({
      target: pendingCodes.userId,
      set: { code: input.code, kind: input.kind, redeemedAt: input.at },
    });
}

export async function findPendingCode(executor: Executor, userId: string) {
  const [row] = await executor.select().from(pendingCodes).where(eq(pendingCodes.userId, userId));
  return row;
}

/**
 * Cleared once a checkout carries it. Only when it is still the same code: a member who
 * redeemed another one meanwhile keeps the newer one for the checkout after.
 */
export async function clearPendingCode(executor: Executor, userId: string, code: string): Promise<void> {
  await executor.delete(pendingCodes).where(and(eq(pendingCodes.userId, userId), eq(pendingCodes.code, code)));
}
