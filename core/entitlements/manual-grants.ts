import { and, desc, eq, gt, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client.js';
import { manualGrants, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { EntitlementService } from './entitlement-service.js';

const dayMs = 86_400_000;

const describeGrant = (row: typeof manualGrants.$inferSelect) => ({
  id: row.id,
  user_id: row.userId,
  plan_id: row.planId,
  reason: row.reason,
  granted_by: row.grantedBy,
  starts_at: row.startsAt.toISOString(),
  expires_at: row.expiresAt?.toISOString() ?? null,
  revoked_at: row.revokedAt?.toISOString() ?? null,
  revoked_by: row.revokedBy,
});

/** A grant that gives access at `now`: not revoked, started, not yet expired (as compute-entitlements reads it). */
export const grantInForceAt = (now: Date): SQL =>
  and(
    isNull(manualGrants.revokedAt),
    lte(manualGrants.startsAt, now),
    or(isNull(manualGrants.expiresAt), gt(manualGrants.expiresAt, now)),
  )!;

/** Access given or taken by a moderator: audited in the same transaction, and it expires. */
export function createManualGrants(deps: {
  db: Database;
  catalog: CatalogService;
  entitlements: EntitlementService;
  clock: Clock;
}) {
  const { db } = deps;

  const changeAndRecompute = async <T>(userId: string, change: (transaction: Transaction) => Promise<T>) =>
    (
      await deps.entitlements.commitAndRecompute(async (transaction) => ({
        value: await change(transaction),
        userIds: [userId],
      }))
    ).value;

  return {
    async grant(
      input: { userId: string; planId: string; days: number | null; expiresAt: Date | null; reason: string },
      actor: string,
    ) {
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
      if (!user) throw notFound('user_not_found', `No user with id "${input.userId}".`);
      const plan = await deps.catalog.getPlan(input.planId);
      if (plan.id === 'free') throw badRequest('grant_plan_invalid', 'Everyone has the free plan already.');
      const now = deps.clock.now();
      const expiresAt = input.expiresAt ?? (input.days === null ? null : new Date(now.getTime() + input.days * dayMs));
      if (expiresAt && expiresAt <= now) throw badRequest('grant_expiry_in_past', 'The grant would already be over.');
      return changeAndRecompute(input.userId, async (transaction) => {
        const [row] = await transaction
          .insert(manualGrants)
          .values({
            userId: input.userId,
            planId: plan.id,
            reason: input.reason,
            grantedBy: actor,
            startsAt: now,
            expiresAt,
          })
          .returning();
        await recordAudit(transaction, {
          actor,
          action: 'grant.created',
          subjectType: 'user',
          subjectId: input.userId,
          details: {
            grant_id: row!.id,
            plan_id: plan.id,
            expires_at: expiresAt?.toISOString() ?? null,
            reason: input.reason,
          },
        });
        return describeGrant(row!);
      });
    },

    async revoke(grantId: string, reason: string, actor: string) {
      const [existing] = await db.select().from(manualGrants).where(eq(manualGrants.id, grantId));
      if (!existing) throw notFound('grant_not_found', `No grant with id "${grantId}".`);
      if (existing.revokedAt) throw conflict('grant_already_revoked', 'This grant was already revoked.');
      return changeAndRecompute(existing.userId, async (transaction) => {
        const [row] = await transaction
          .update(manualGrants)
          .set({ revokedAt: deps.clock.now(), revokedBy: actor })
          .where(and(eq(manualGrants.id, grantId), isNull(manualGrants.revokedAt)))
          .returning();
        if (!row) throw conflict('grant_already_revoked', 'This grant was already revoked.');
        await recordAudit(transaction, {
          actor,
          action: 'grant.revoked',
          subjectType: 'user',
          subjectId: existing.userId,
          details: { grant_id: grantId, reason },
        });
        return describeGrant(row);
      });
    },

    /** The member's grants that give access now. */
    async inForce(userId: string) {
      const rows = await db
        .select()
        .from(manualGrants)
        .where(and(eq(manualGrants.userId, userId), grantInForceAt(deps.clock.now())))
        .orderBy(desc(manualGrants.createdAt));
      return rows.map(describeGrant);
    },

    async list(userId: string) {
      const rows = await db
        .select()
        .from(manualGrants)
        .where(eq(manualGrants.userId, userId))
        .orderBy(desc(manualGrants.createdAt));
      return rows.map(describeGrant);
    },
  };
}
