import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { adminWebSessions } from '../../db/schema/index.js';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-tokens.js';
import type { Clock } from '../ports/clock.js';
import type { AdminSignInMethod } from './admin-actors.js';

export const adminSessionMarker = 'aws_';
/** An admin tab left alone this long signs out: the pages move money and flags. */
export const adminSessionIdleMs = 30 * 60_000;
/** However busy, an admin signs in again after this. */
export const adminSessionLifetimeMs = 12 * 3_600_000;

export interface AdminWebSession {
  tokenHash: string;
  actor: string;
  method: AdminSignInMethod;
  /** False until the TOTP or a recovery code was given: only the two-factor pages are open. */
  secondFactorDone: boolean;
}

/**
 * Admin browser sessions, apart from members' web sessions (own table and cookie): an admin
 * is an actor, not a member, and lives under a much shorter idle expiry.
 */
export function createAdminWebSessions(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async create(actor: string, method: AdminSignInMethod): Promise<{ token: string }> {
      const token = newOpaqueToken(adminSessionMarker);
      const now = clock.now();
      await db.insert(adminWebSessions).values({
        tokenHash: hashOpaqueToken(token),
        actor,
        method,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + adminSessionLifetimeMs),
        createdAt: now,
      });
      return { token };
    },

    /** The session a cookie holds, if live; each use pushes the idle expiry back. */
    async resolve(token: string | undefined): Promise<AdminWebSession | undefined> {
      if (!token?.startsWith(adminSessionMarker)) return undefined;
      const now = clock.now();
      const [row] = await db
        .update(adminWebSessions)
        .set({ lastSeenAt: now })
        .where(
          and(
            eq(adminWebSessions.tokenHash, hashOpaqueToken(token)),
            isNull(adminWebSessions.revokedAt),
            gt(adminWebSessions.expiresAt, now),
            gt(adminWebSessions.lastSeenAt, new Date(now.getTime() - adminSessionIdleMs)),
          ),
        )
        .returning();
      if (!row) return undefined;
      return {
        tokenHash: row.tokenHash,
        actor: row.actor,
        method: row.method as AdminSignInMethod,
        secondFactorDone: row.secondFactorAt !== null,
      };
    },

    async completeSecondFactor(tokenHash: string): Promise<void> {
      await db
        .update(adminWebSessions)
        .set({ secondFactorAt: clock.now() })
        .where(eq(adminWebSessions.tokenHash, tokenHash));
    },

    async revoke(tokenHash: string): Promise<void> {
      await db
        .update(adminWebSessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(adminWebSessions.tokenHash, tokenHash), isNull(adminWebSessions.revokedAt)));
    },
  };
}

export type AdminWebSessions = ReturnType<typeof createAdminWebSessions>;
