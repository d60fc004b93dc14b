import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { accessFreezes, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { conflict, notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { EntitlementService } from './entitlement-service.js';

const describeFreeze = (row: typeof accessFreezes.$inferSelect) => ({
  id: row.id,
  user_id: row.userId,
  reason: row.reason,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  lifted_at: row.liftedAt?.toISOString() ?? null,
  lifted_by: row.liftedBy,
});

/**
 * A moderator's freeze: while it stands the member has free-tier access whatever they paid
 * (suspected fraud, abuse). Audited, applied at once, lifted by hand.
 */
export function createAccessFreezes(deps: { db: Database; entitlements: EntitlementService; clock: Clock }) {
  const { db } = deps;
  return {
    async freeze(input: { userId: string; reason: string }, actor: string) {
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
      if (!user) throw notFound('user_not_found', `No user with id "${input.userId}".`);
      const { value } = await deps.entitlements.commitAndRecompute(async (transaction) => {
        const [row] = await transaction
          .insert(accessFreezes)
          .values({ userId: input.userId, reason: input.reason, createdBy: actor, createdAt: deps.clock.now() })
          .returning();
        await recordAudit(transaction, {
          actor,
          action: 'access.frozen',
          subjectType: 'user',
          subjectId: input.userId,
          details: { freeze_id: row!.id, reason: input.reason },
        });
        return { value: describeFreeze(row!), userIds: [input.userId] };
      });
      return value;
    },

    async lift(freezeId: string, reason: string, actor: string) {
      const [existing] = await db.select().from(accessFreezes).where(eq(accessFreezes.id, freezeId));
      if (!existing) throw notFound('freeze_not_found', `No freeze with id "${freezeId}".`);
      const { value } = await deps.entitlements.commitAndRecompute(async (transaction) => {
        const [row] = await transaction
          .update(accessFreezes)
          .set({ liftedAt: deps.clock.now(), liftedBy: actor })
          .where(and(eq(accessFreezes.id, freezeId), isNull(accessFreezes.liftedAt)))
          .returning();
        if (!row) throw conflict('freeze_already_lifted', 'This freeze was already lifted.');
        await recordAudit(transaction, {
          actor,
          action: 'access.unfrozen',
          subjectType: 'user',
          subjectId: existing.userId,
          details: { freeze_id: freezeId, reason },
        });
        return { value: describeFreeze(row), userIds: [existing.userId] };
      });
      return value;
    },

    async list(userId: string) {
      const rows = await db
        .select()
        .from(accessFreezes)
        .where(eq(accessFreezes.userId, userId))
        .orderBy(desc(accessFreezes.createdAt));
      return rows.map(describeFreeze);
    },
  };
}
