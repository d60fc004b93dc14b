import { and, desc, eq, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { accessAssignments, identities, purchases, users } from '../../db/schema/index.js';
import type { describeSubscription } from '../billing/subscription-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { survivingUserId } from './fold-users.js';
import { type ActorPlatform, type MemberReference, parseMemberReference } from './member-reference.js';

/** Only the recent-enough matters (where to DM); a write per command would be waste. */
const touchIntervalMs = 10 * 60_000;

const memberNotFound = (reference: string) =>
  notFound('member_not_found', `No member matches "${reference.trim().slice(0, 80)}".`);

/** What moderators see about one member (`/admin lookup`). */
export interface MemberLookup {
  user: typeof users.$inferSelect;
  identities: Array<typeof identities.$inferSelect>;
  entitlement: Awaited<ReturnType<EntitlementService['get']>>;
  /** The live subscription, else the latest one, else null (as subscriptions.status reports it). */
  subscription: ReturnType<typeof describeSubscription> | null;
  /** The last 10 payments, newest first, with their refund and dispute state. */
  payments: Array<typeof purchases.$inferSelect>;
  access: Array<typeof accessAssignments.$inferSelect>;
}

/** One row of a member search: enough to tell members apart before opening one. */
export interface MemberSearchHit {
  user: typeof users.$inferSelect;
  identities: Array<typeof identities.$inferSelect>;
}

const searchLimit = 50;

/** `%`, `_` and `\\` typed by the owner are matched literally, not as LIKE wildcards. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/** Finds members from what moderators type, keeps `last_seen_at` fresh, and gathers a member's file. */
export function createMemberDirectory(deps: {
  db: Database;
  clock: Clock;
  entitlements: EntitlementService;
  subscriptions: { status(userId: string): Promise<{ subscription: ReturnType<typeof describeSubscription> | null }> };
}) {
  const { db, clock } = deps;

  async function find(reference: MemberReference): Promise<string | undefined> {
    switch (reference.kind) {
      case 'user': {
        const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, reference.userId));
        return user?.id;
      }
      case 'email': {
        const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, reference.email));
        if (user) return user.id;
        const [identity] = await db
          .select({ userId: identities.userId })
          .from(identities)
          .where(and(eq(identities.platform, 'email'), eq(identities.externalId, reference.email)));
        return identity?.userId;
      }
      case 'identity': {
        const [identity] = await db
          .select({ userId: identities.userId })
          .from(identities)
          .where(and(eq(identities.platform, reference.platform), eq(identities.externalId, reference.externalId)));
        return identity?.userId;
      }
      case 'username': {
        // Usernames are case-insensitive on every platform and may be reused: the most
        // recently seen holder is the one the moderator means.
        const [identity] = await db
          .select({ userId: identities.userId })
          .from(identities)
          .where(
            and(
              sql`lower(${identities.username}) = ${reference.username.toLowerCase()}`,
              reference.platform ? eq(identities.platform, reference.platform) : undefined,
            ),
          )
          .orderBy(sql`${identities.lastSeenAt} desc nulls last`, desc(identities.createdAt))
          .limit(1);
        return identity?.userId;
      }
    }
  }

  return {
    /** The user a moderator means; `member_not_found` (404) when nobody matches. */
    async resolve(reference: string, actorPlatform: ActorPlatform): Promise<string> {
      const parsed = parseMemberReference(reference, actorPlatform);
      const userId = parsed ? await find(parsed) : undefined;
      if (!userId) throw memberNotFound(reference);
      // A uuid from an old message may name a user since folded by /link.
      return survivingUserId(db, userId);
    },

    /**
     * Every member the owner may mean by `query` (the admin pages' search): whatever
     * `/admin lookup` understands (uuid, email, mention, `platform:id`, `@username`), any
     * platform's exact id (a bare Telegram or Discord id), or part of an email, display name or
     * username. Folded users are left out: their identities point at the surviving user.
     */
    async search(query: string): Promise<MemberSearchHit[]> {
      const text = query.trim();
      if (!text || text.length > 320) return [];
      const reference = parseMemberReference(text, 'console');
      const exact = reference ? await find(reference) : undefined;
      const pattern = containing(text);
      const identityMatches = db
        .select({ userId: identities.userId })
        .from(identities)
        .where(or(eq(identities.externalId, text), ilike(identities.username, pattern)));
      const found = await db
        .select()
        .from(users)
        .where(
          and(
            isNull(users.mergedIntoUserId),
            or(
              exact ? eq(users.id, exact) : undefined,
              ilike(users.email, pattern),
              ilike(users.displayName, pattern),
              inArray(users.id, identityMatches),
            ),
          ),
        )
        .orderBy(desc(users.createdAt))
        .limit(searchLimit);
      if (found.length === 0) return [];
      const linked = await db
        .select()
        .from(identities)
        .where(
          inArray(
            identities.userId,
            found.map((user) => user.id),
          ),
        )
        .orderBy(identities.platform);
      return found.map((user) => ({ user, identities: linked.filter((identity) => identity.userId === user.id) }));
    },

    /** Marks the identity as seen now, at most one write per identity per 10 minutes. */
    async touch(platform: string, externalId: string): Promise<void> {
      const now = clock.now();
      await db
        .update(identities)
        .set({ lastSeenAt: now })
        .where(
          and(
            eq(identities.platform, platform),
            eq(identities.externalId, externalId),
            or(isNull(identities.lastSeenAt), lt(identities.lastSeenAt, new Date(now.getTime() - touchIntervalMs))),
          ),
        );
    },

    async lookup(userId: string): Promise<MemberLookup> {
      const [user] = await db.select().from(users).where(eq(users.id, userId));
      if (!user) throw notFound('member_not_found', `No member with id "${userId}".`, { user_id: userId });
      const linked = await db
        .select()
        .from(identities)
        .where(eq(identities.userId, userId))
        .orderBy(identities.platform);
      const entitlement = await deps.entitlements.get(userId);
      const { subscription } = await deps.subscriptions.status(userId);
      const payments = await db
        .select()
        .from(purchases)
        .where(eq(purchases.userId, userId))
        .orderBy(desc(purchases.paidAt))
        .limit(10);
      const access = await db
        .select()
        .from(accessAssignments)
        .where(eq(accessAssignments.userId, userId))
        .orderBy(accessAssignments.platform, accessAssignments.kind, accessAssignments.resourceId);
      return { user, identities: linked, entitlement, subscription, payments, access };
    },
  };
}

export type MemberDirectory = ReturnType<typeof createMemberDirectory>;
