import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
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

export function createUserService(deps: { db: Database }) {
  const { db } = deps;
  return {
    /**
     * Returns the user behind an email or a platform identity, creating them on first sight.
     * Unique indexes decide races: two concurrent first contacts end with one user.
     */
    async findOrCreate(input: FindOrCreateUserInput, actor: string): Promise<{ id: string; created: boolean }> {
      const email = input.email?.trim().toLowerCase();
      const hasIdentity = Boolean(input.platform && input.externalId);
      if (!email && !hasIdentity)
        throw badRequest('user_identifier_required', 'Give an email or a platform and external_id.');
      return db.transaction(async (transaction) => {
        if (hasIdentity) {
          const [identity] = await transaction
            .select({ userId: identities.userId })
            .from(identities)
            .where(and(eq(identities.platform, input.platform!), eq(identities.externalId, input.externalId!)));
          if (identity) return { id: identity.userId, created: false };
        }
        if (email) {
          const [existing] = await transaction.select({ id: users.id }).from(users).where(eq(users.email, email));
          if (existing) {
            if (hasIdentity)
              await transaction
                .insert(identities)
                .values({
                  userId: existing.id,
                  platform: input.platform!,
                  externalId: input.externalId!,
                  username: input.username,
                })
                .onConflictDoNothing();
            return { id: existing.id, created: false };
          }
        }
        const [user] = await transaction
          .insert(users)
          .values({ email: email ?? null, displayName: input.displayName ?? input.username ?? null })
          .returning({ id: users.id });
        if (hasIdentity)
          await transaction.insert(identities).values({
            userId: user!.id,
            platform: input.platform!,
            externalId: input.externalId!,
            username: input.username,
          });
        await recordAudit(transaction, {
          actor,
          action: 'user.created',
          subjectType: 'user',
          subjectId: user!.id,
          details: { email: email ?? null, platform: input.platform ?? null },
        });
        return { id: user!.id, created: true };
      });
    },

    async get(userId: string) {
      const [user] = await db.select().from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user_not_found', `No user with id "${userId}".`, { user_id: userId });
      const linked = await db.select().from(identities).where(eq(identities.userId, userId));
      return { ...user, identities: linked };
    },
  };
}
