import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { refreshTokens } from '../../db/schema/index.js';
import type { ErrorCode } from '../error-codes.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { unauthorized } from './access-tokens.js';
import { hashOpaqueToken, newOpaqueToken, refreshTokenMarker } from './opaque-tokens.js';

const refreshRefused = (code: ErrorCode, message: string) => new AppError(code, message, { status: 401 });

/**
 * Opaque refresh tokens, rotated on every use. The swap is one conditional UPDATE, so two
 * racing uses of one token cannot both win; presenting a token that was already swapped means
 * it leaked (or the client is confused), and the whole family (that login) is revoked.
 */
export function createRefreshTokens(deps: { db: Database; clock: Clock; ttlDays: number }) {
  const { db, clock } = deps;

  async function issue(userId: string, familyId: string = randomUUID()) {
    const token = newOpaqueToken(refreshTokenMarker);
    const expiresAt = new Date(clock.now().getTime() + deps.ttlDays * 86_400_000);
    await db.insert(refreshTokens).values({
      tokenHash: hashOpaqueToken(token),
      familyId,
      userId,
      expiresAt,
      createdAt: clock.now(),
    });
    return { token, expiresAt, familyId };
  }

  return {
    issue,

    /** Swaps a live refresh token for a new one of the same family; returns its user. */
    async rotate(token: string) {
      const tokenHash = hashOpaqueToken(token);
      const now = clock.now();
      const [swapped] = await db
        .update(refreshTokens)
        .set({ replacedAt: now })
        .where(
          and(
            eq(refreshTokens.tokenHash, tokenHash),
            isNull(refreshTokens.replacedAt),
            isNull(refreshTokens.revokedAt),
          ),
        )
        .returning();
      if (swapped && swapped.expiresAt.getTime() > now.getTime()) {
        const next = await issue(swapped.userId, swapped.familyId);
        return { userId: swapped.userId, refresh: next };
      }
      if (swapped) throw refreshRefused('token_expired', 'The refresh token has expired; sign in again.');
      const [known] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
      if (!known) throw unauthorized('Unknown refresh token; sign in again.');
      if (known.revokedAt) throw refreshRefused('refresh_token_revoked', 'This sign-in was revoked; sign in again.');
      await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, known.familyId), isNull(refreshTokens.revokedAt)));
      throw refreshRefused(
        'refresh_token_reused',
        'This refresh token was already used, so every token of this sign-in is now revoked; sign in again.',
      );
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
