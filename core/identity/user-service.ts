import { and, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client.js';
import { identities, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { badRequest, notFound } from '../errors.js';

/** `console` is the terminal shop (`npm run chat`). */
export const platforms = ['discord', 'telegram', 'slack', 'console', 'email', 'web'] as const;
export type Platform = (typeof platforms)[number];

export interface FindOrCreateUserInput {
  email?: string | undefined;
  platform?: Platform | undefined;
  externalId?: string | undefined;
  username?: string | undefined;
  displayName?: string | undefined;
}

/** Thrown inside the transaction to undo its writes when a concurrent first contact won; the caller reads the winner's row. */
class FirstContactRaceLost extends Error {}

type PlatformIdentity = { platform: Platform; externalId: string };

async function identityOwner(executor: Executor, identity: PlatformIdentity): Promise<string | undefined> {
  const [row] = await executor
    .select({ userId: identities.userId })
    .from(identities)
    .where(and(eq(identities.platform, identity.platform), eq(identities.externalId, identity.externalId)));
  return row?.userId;
}

export function createUserService(deps: { db: Database }) {
  const { db } = deps;

  /** The user with this email (inserted unless it exists), then the identity joined to them. */
  function createOrJoin(
    email: string | undefined,
    identity: PlatformIdentity | undefined,
    input: FindOrCreateUserInput,
    actor: string,
  ): Promise<{ id: string; created: boolean }> {
    return db.transaction(async (transaction) => {
      // The partial unique index on email decides a race: the loser inserts nothing and reads the row.
      const [inserted] = await transaction
        .insert(users)
        .values({ email: email ?? null, displayName: input.displayName ?? input.username ?? null })
        .onConflictDoNothing({ target: users.email, where: sql`email is not null` })
        .returning({ id: users.id });
      let userId = inserted?.id;
      if (!userId && email) {
        const [existing] = await transaction.select({ id: users.id }).from(users).where(eq(users.email, email));
        userId = existing?.id;
      }
      // Only if the email's row vanished between the two statements: start over.
      if (!userId) throw new FirstContactRaceLost();
      if (identity) {
        const [joined] = await transaction
          .insert(identities)
          .values({ userId, platform: identity.platform, externalId: identity.externalId, username: input.username })
          .onConflictDoNothing({ target: [identities.platform, identities.externalId] })
          .returning({ id: identities.id });
        if (!joined) throw new FirstContactRaceLost();
      }
      if (!inserted) return { id: userId, created: false };
      await recordAudit(transaction, {
        actor,
        action: 'user.created',
        subjectType: 'user',
        subjectId: userId,
        details: { email: email ?? null, platform: input.platform ?? null },
      });
      return { id: userId, created: true };
    });
  }

  return {
    /**
     * Returns the user behind an email or a platform identity, creating them on first sight.
     * Concurrent first contacts (a retried request, two quick bot commands) all get the one row:
     * each write is an insert that yields on conflict, and whoever loses reads the winner's row.
     */
    async findOrCreate(input: FindOrCreateUserInput, actor: string): Promise<{ id: string; created: boolean }> {
      const email = input.email?.trim().toLowerCase() || undefined;
      const identity =
        input.platform && input.externalId ? { platform: input.platform, externalId: input.externalId } : undefined;
      if (!email && !identity)
        throw badRequest('user_identifier_required', 'Give an email or a platform and external_id.');
      // A lost race is settled by reading the winner's row, so a second pass always ends.
      for (let attempt = 0; ; attempt += 1) {
        if (identity) {
          const ownerId = await identityOwner(db, identity);
          if (ownerId) return { id: ownerId, created: false };
        }
        try {
          return await createOrJoin(email, identity, input, actor);
        } catch (error) {
          if (!(error instanceof FirstContactRaceLost) || attempt >= 2) throw error;
        }
      }
    },

    async get(userId: string) {
      const [user] = await db.select().from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user_not_found', `No user with id "${userId}".`, { user_id: userId });
      const linked = await db.select().from(identities).where(eq(identities.userId, userId));
      return { ...user, identities: linked };
    },
  };
}
