import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { purchases, referralAttributions, referralCodes, users } from '../../db/schema/index.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { randomUnambiguous } from '../identity/unambiguous-code.js';
import type { Clock } from '../ports/clock.js';
import type { PromotionService } from '../promotions/promotion-service.js';
import { typedCode } from '../promotions/typed-code.js';
import { clearPendingCode, findPendingCode, type PendingCodeKind, setPendingCode } from './pending-codes.js';

const referralCodeLength = 8;

export type AttributionSource = 'redeem' | 'deep_link' | 'checkout' | 'web_link';

export type RedeemResult =
  | { kind: 'referral'; code: string }
  /** `description` says what the promo gives, e.g. "20% off your first month". */
  | { kind: 'promo'; code: string; description: string };

/**
 * Referral codes and who brought whom, and /redeem for both kinds of code. A member is
 * attributed once, to the first referral code they used; the code (referral or promo) they
 * redeemed last waits in pending_codes for their next checkout.
 */
export function createReferralService(deps: {
  db: Database;
  clock: Clock;
  publicUrl: string;
  promotions: PromotionService;
}) {
  const { db, clock } = deps;

  const urlFor = (code: string) => `${deps.publicUrl}/r/${encodeURIComponent(code)}`;

  const normalize = (code: string) => {
    const normalized = code.trim().toUpperCase();
    if (!normalized) throw badRequest('code_required', 'Give the code to redeem.');
    if (!typedCode.test(normalized))
      throw notFound('code_unknown', `"${code.trim().slice(0, 64)}" is not a code we know.`);
    return normalized;
  };

  async function findReferralCode(code: string) {
    const [row] = await db.select().from(referralCodes).where(eq(referralCodes.code, code));
    return row;
  }

  /** Records the first attribution only; returns whether this call made it. */
  async function attribute(userId: string, referrer: { code: string; userId: string }, source: AttributionSource) {
    const inserted = await db
      .insert(referralAttributions)
      .values({
        referredUserId: userId,
        referrerUserId: referrer.userId,
        code: referrer.code,
        source,
        createdAt: clock.now(),
      })
      .onConflictDoNothing()
      .returning({ referredUserId: referralAttributions.referredUserId });
    return inserted.length > 0;
  }

  async function applyReferral(userId: string, code: string, source: AttributionSource) {
    const referral = await findReferralCode(code);
    if (!referral) return undefined;
    if (referral.userId === userId) throw badRequest('referral_self', 'You cannot use your own referral code.');
    const attributed = await attribute(userId, referral, source);
    await setPendingCode(db, { userId, code: referral.code, kind: 'referral', at: clock.now() });
    return { attributed };
  }

  return {
    /** The member's own code (made on first ask) and the link that carries it. */
    async codeFor(userId: string): Promise<{ code: string; url: string }> {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const [existing] = await db.select().from(referralCodes).where(eq(referralCodes.userId, userId));
        if (existing) return { code: existing.code, url: urlFor(existing.code) };
        const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
        if (!user) throw notFound('user_not_found', `No user with id "${userId}".`, { user_id: userId });
        const code = randomUnambiguous(referralCodeLength);
        // A moderator's promo code owns what members type: draw another.
        if (await deps.promotions.exists(db, code)) continue;
        // Either unique index may refuse: a concurrent call made this user's code (read it
        // on the next pass) or the random code is taken (draw another).
        const inserted = await db
          .insert(referralCodes)
          .values({ code, userId, createdAt: clock.now() })
          .onConflictDoNothing()
          .returning({ code: referralCodes.code });
        if (inserted[0]) return { code: inserted[0].code, url: urlFor(inserted[0].code) };
      }
      throw new AppError('referral_code_unavailable', 'Could not make a referral code; try again.', {
        status: 503,
        retryable: true,
      });
    },

    /** How many members this member brought, and how many of them have paid. */
    async stats(userId: string): Promise<{ code: string; url: string; referred: number; paying: number }> {
      const { code, url } = await this.codeFor(userId);
      // One statement for both counts (the billing page shows them on every view). A payment
      // refunded in full does not make a paying member.
      const [counts] = await db
        .select({
          referred: sql<number>`count(distinct ${referralAttributions.referredUserId})`,
          paying: sql<number>`count(distinct ${purchases.userId}) filter (where ${purchases.amountMinor} > 0 and ${purchases.amountRefundedMinor} < ${purchases.amountMinor})`,
        })
        .from(referralAttributions)
        .leftJoin(purchases, eq(purchases.userId, referralAttributions.referredUserId))
        .where(eq(referralAttributions.referrerUserId, userId));
      return { code, url, referred: Number(counts?.referred ?? 0), paying: Number(counts?.paying ?? 0) };
    },

    /**
     * /redeem: a referral code attributes the member (once, never to themselves) and waits
     * for their next checkout. Already attributed: the first referrer stays, the code still
     * goes to the checkout. A promo code the member may use waits the same way (its plan is
     * checked at checkout); one they may not use is refused with its reason.
     */
    async redeem(userId: string, code: string): Promise<RedeemResult> {
      const normalized = normalize(code);
      const referral = await applyReferral(userId, normalized, 'redeem');
      if (referral) return { kind: 'referral', code: normalized };
      const promotion = await deps.promotions.checkRedeemable(userId, normalized);
      if (promotion) {
        await setPendingCode(db, { userId, code: promotion.code, kind: 'promo', at: clock.now() });
        return { kind: 'promo', code: promotion.code, description: promotion.description };
      }
      throw notFound('code_unknown', `"${normalized}" is not a code we know.`);
    },

    /**
     * Telegram `/start ref_CODE` and similar invites. Never throws for a bad or own code:
     * the member came to the shop either way. Returns whether this made the attribution.
     */
    async attributeFromDeepLink(userId: string, code: string): Promise<{ attributed: boolean }> {
      const normalized = code.trim().toUpperCase();
      if (!typedCode.test(normalized)) return { attributed: false };
      try {
        return (await applyReferral(userId, normalized, 'deep_link')) ?? { attributed: false };
      } catch (error) {
        if (error instanceof AppError && error.code === 'referral_self') return { attributed: false };
        throw error;
      }
    },

    /**
     * What the `/r/<code>` page shows: the inviter's display name only (no email, no ids), or
     * undefined for a code that is not a referral code.
     */
    async describe(code: string): Promise<{ code: string; inviterName: string | null } | undefined> {
      const normalized = code.trim().toUpperCase();
      if (!typedCode.test(normalized)) return undefined;
      const [row] = await db
        .select({ code: referralCodes.code, displayName: users.displayName })
        .from(referralCodes)
        .innerJoin(users, eq(users.id, referralCodes.userId))
        .where(eq(referralCodes.code, normalized));
      return row ? { code: row.code, inviterName: row.displayName } : undefined;
    },

    /**
     * A browser that arrived through `/r/<code>` signs in: attributed like a deep link (first
     * referrer wins, never oneself, a stale code ignored), the code waits for their checkout.
     */
    async attributeFromWebLink(userId: string, code: string): Promise<{ attributed: boolean }> {
      const normalized = code.trim().toUpperCase();
      if (!typedCode.test(normalized)) return { attributed: false };
      try {
        return (await applyReferral(userId, normalized, 'web_link')) ?? { attributed: false };
      } catch (error) {
        if (error instanceof AppError && error.code === 'referral_self') return { attributed: false };
        throw error;
      }
    },

    /** The code waiting for this member's next checkout, if any. */
    async pendingCode(userId: string): Promise<{ code: string; kind: PendingCodeKind } | undefined> {
      const row = await findPendingCode(db, userId);
      return row ? { code: row.code, kind: row.kind === 'promo' ? 'promo' : 'referral' } : undefined;
    },

    clearPendingCode: (userId: string, code: string) => clearPendingCode(db, userId, code),
  };
}

export type ReferralService = ReturnType<typeof createReferralService>;
