import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { users, webSessions } from '../../db/schema/index.js';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-tokens.js';
import type { Clock } from '../ports/clock.js';

export const webSessionMarker = 'ws_';
/** A browser stays signed in for a month; signing in again starts a new month. */
export const webSessionLifetimeMs = 30 * 86_400_000;

export interface WebSessionMember {
  sessionId: string;
  userId: string;
  displayName: string | null;
  expiresAt: Date;
}

/**
 * Browser sign-ins. The cookie carries a random token; the database keeps its hash, the member
 * and the expiry. A revoked or expired row signs nobody in, and "sign out everywhere" revokes
 * every row of the member at once.
 */
export function createWebSessionService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;

  return {
    async create(userId: string, channel: string): Promise<{ token: string; expiresAt: Date }> {
      const token = newOpaqueToken(webSessionMarker);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + webSessionLifetimeMs);
      await db
        .insert(webSessions)
        .values({ tokenHash: hashOpaqueToken(token), userId, channel, expiresAt, createdAt: now });
      return { token, expiresAt };
    },

    /** The member a cookie signs in, or undefined (unknown, expired, revoked, or a folded-away user). */
    async resolve(token: string): Promise<WebSessionMember | undefined> {
      if (!token.startsWith(webSessionMarker)) return undefined;
      const [row] = await db
        .select({
          sessionId: webSessions.id,
          userId: webSessions.userId,
          expiresAt: webSessions.expiresAt,
          displayName: users.displayName,
          mergedIntoUserId: users.mergedIntoUserId,
        })
        .from(webSessions)
        .innerJoin(users, eq(users.id, webSessions.userId))
        .where(
          and(
            eq(webSessions.tokenHash, hashOpaqueToken(token)),
            isNull(webSessions.revokedAt),
            gt(webSessions.expiresAt, clock.now()),
          ),
        );
      if (!row) return undefined;
      // A member folded into another by /link is that other member from now on.
      const userId = row.mergedIntoUserId ?? row.userId;
      return { sessionId: row.sessionId, userId, displayName: row.displayName, expiresAt: row.expiresAt };
    },

    /** Signs this browser out. */
    async revoke(sessionId: string): Promise<void> {
      await db
        .update(webSessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(webSessions.id, sessionId), isNull(webSessions.revokedAt)));
    },

    /**
     * Signs every browser of the member out, including those signed in as an account /link
     * later folded into this one; returns how many sessions were still open.
     */
    async revokeAll(userId: string): Promise<number> {
      const accounts = db
        .select({ id: users.id })
        .from(users)
        .where(or(eq(users.id, userId), eq(users.mergedIntoUserId, userId)));
      const revoked = await db
        .update(webSessions)
        .set({ revokedAt: clock.now() })
        .where(and(inArray(webSessions.userId, accounts), isNull(webSessions.revokedAt)))
        .returning({ id: webSessions.id });
      return revoked.length;
    },
  };
}

export type WebSessionService = ReturnType<typeof createWebSessionService>;
