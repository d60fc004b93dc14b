import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { adminLoginTokens } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-tokens.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';

export const adminLoginTokenMarker = 'alt_';
/** Short: the link sits in a chat DM, and the moderator asked for it a moment ago. */
export const adminLoginLinkTtlMs = 10 * 60_000;

/**
 * `/admin weblogin`: the bot (which has just checked that the actor is a moderator) gets a
 * one-time link for the admin pages; only its hash is stored, and opening it consumes it in
 * one conditional UPDATE, so it works once even under a race.
 */
export function createAdminLoginLinks(deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, clock } = deps;
  return {
    async issue(actor: string): Promise<{ url: string; expiresAt: Date }> {
      const token = newOpaqueToken(adminLoginTokenMarker);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + adminLoginLinkTtlMs);
      await db.transaction(async (transaction) => {
        await transaction
          .insert(adminLoginTokens)
          .values({ tokenHash: hashOpaqueToken(token), actor, expiresAt, createdAt: now });
        await recordAudit(transaction, {
          actor,
          action: 'admin_web.login_link_issued',
          subjectType: 'admin_web',
          subjectId: actor,
        });
      });
      return { url: `${deps.publicUrl}/admin/sign-in/link?token=${encodeURIComponent(token)}`, expiresAt };
    },

    /** The moderator the link was issued to. */
    async consume(token: string): Promise<string> {
      const now = clock.now();
      const [consumed] = await db
        .update(adminLoginTokens)
        .set({ consumedAt: now })
        .where(and(eq(adminLoginTokens.tokenHash, hashOpaqueToken(token)), isNull(adminLoginTokens.consumedAt)))
        .returning();
      if (!consumed || consumed.expiresAt.getTime() <= now.getTime())
        throw new AppError('admin_sign_in_failed', 'This sign-in link is not valid, expired or was already used.', {
          status: 401,
        });
      return consumed.actor;
    },
  };
}

export type AdminLoginLinks = ReturnType<typeof createAdminLoginLinks>;
