import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../db/client.js';
import { planAccessResources, plans } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError, conflict, notFound } from '../errors.js';
import { type AccessResourceKind, accessResourceKinds } from '../ports/chat-platform.js';
import { edgeText } from '../validation/edge-text.js';
import type { PlanResource } from './desired-access.js';

const snowflake = /^\d{17,20}$/;
const resourceIdPatterns: Record<AccessResourceKind, { pattern: RegExp; example: string }> = {
  discord_role: { pattern: snowflake, example: 'a role id such as 1234567890123456789' },
  telegram_chat: { pattern: /^-?\d{1,20}$/, example: 'a numeric chat id such as -1001234567890' },
  slack_channel: { pattern: /^[CG][A-Z0-9]{6,}$/, example: 'a channel id such as C0123456789' },
};

/** What a moderator sends to attach a chat resource to a plan. */
export const accessResourceInput = z
  .object({
    kind: z.enum(accessResourceKinds),
    /** Discord guild id for roles; empty for Telegram chats and Slack channels. */
    scope_id: z.string().trim().max(32).default(''),
    resource_id: z.string().trim().min(1).max(64),
    label: edgeText().trim().max(100).default(''),
  })
  .superRefine((input, context) => {
    const { pattern, example } = resourceIdPatterns[input.kind];
    if (!pattern.test(input.resource_id))
      context.addIssue({ code: 'custom', path: ['resource_id'], message: `must be ${example}` });
    if (input.kind === 'discord_role' && !snowflake.test(input.scope_id))
      context.addIssue({ code: 'custom', path: ['scope_id'], message: 'must be the guild id of the role' });
    if (input.kind !== 'discord_role' && input.scope_id !== '')
      context.addIssue({ code: 'custom', path: ['scope_id'], message: `must be empty for ${input.kind}` });
  });
export type AccessResourceInput = z.input<typeof accessResourceInput>;

export type PlanAccessResourceRow = typeof planAccessResources.$inferSelect;

export const toPlanResource = (row: PlanAccessResourceRow): PlanResource => ({
  planId: row.planId,
  kind: row.kind as AccessResourceKind,
  scopeId: row.scopeId,
  resourceId: row.resourceId,
  label: row.label,
});

/** The chat resources each plan grants: moderators list, add and remove them; every change is audited. */
export function createPlanAccessResources(deps: { db: Database }) {
  const { db } = deps;

  async function requirePlan(executor: Executor, planId: string) {
    const [plan] = await executor.select().from(plans).where(eq(plans.id, planId));
    if (!plan) throw notFound('plan_not_found', `No plan with id "${planId}".`, { plan_id: planId });
    return plan;
  }

  return {
    async list(planId: string): Promise<PlanAccessResourceRow[]> {
      await requirePlan(db, planId);
      return db
        .select()
        .from(planAccessResources)
        .where(eq(planAccessResources.planId, planId))
        .orderBy(asc(planAccessResources.kind), asc(planAccessResources.createdAt), asc(planAccessResources.id));
    },

    /** Every resource of every plan: the reconciler's managed set. */
    async all(executor: Executor = db): Promise<PlanResource[]> {
      const rows = await executor.select().from(planAccessResources);
      // A kind this version does not know is left alone rather than guessed at.
      return rows.filter((row) => (accessResourceKinds as readonly string[]).includes(row.kind)).map(toPlanResource);
    },

    async add(planId: string, input: AccessResourceInput, actor: string): Promise<PlanAccessResourceRow> {
      const parsed = accessResourceInput.parse(input);
      return db.transaction(async (transaction) => {
        const plan = await requirePlan(transaction, planId);
        if (plan.kind === 'addon' && plan.features.length === 0)
          throw new AppError(
            'addon_has_no_features',
            `The add-on "${planId}" switches on no feature, so nobody could be recognised as holding it; give it a feature first.`,
            { status: 422, context: { plan_id: planId } },
          );
        const [row] = await transaction
          .insert(planAccessResources)
          .values({
            planId,
            kind: parsed.kind,
            scopeId: parsed.scope_id,
            resourceId: parsed.resource_id,
            label: parsed.label,
          })
          .onConflictDoNothing()
          .returning();
        if (!row)
          throw conflict('access_resource_exists', `Plan "${planId}" already grants this ${parsed.kind}.`, {
            plan_id: planId,
            kind: parsed.kind,
            scope_id: parsed.scope_id,
            resource_id: parsed.resource_id,
          });
        await recordAudit(transaction, {
          actor,
          action: 'plan.access_resource_added',
          subjectType: 'plan',
          subjectId: planId,
          details: { resource: parsed, id: row.id },
        });
        return row;
      });
    },

    /**
     * Stops granting a resource with this plan. Members keep what they hold unless another
     * plan still lists it: an unlisted resource is no longer managed, so nothing is revoked
     * in bulk by a mistaken delete.
     */
    async remove(planId: string, id: string, actor: string): Promise<PlanAccessResourceRow> {
      return db.transaction(async (transaction) => {
        await requirePlan(transaction, planId);
        const [row] = await transaction
          .delete(planAccessResources)
          .where(and(eq(planAccessResources.planId, planId), eq(planAccessResources.id, id)))
          .returning();
        if (!row)
          throw notFound('access_resource_not_found', `Plan "${planId}" has no access resource "${id}".`, {
            plan_id: planId,
            id,
          });
        await recordAudit(transaction, {
          actor,
          action: 'plan.access_resource_removed',
          subjectType: 'plan',
          subjectId: planId,
          details: { resource: toPlanResource(row), id: row.id },
        });
        return row;
      });
    },
  };
}

export type PlanAccessResources = ReturnType<typeof createPlanAccessResources>;
