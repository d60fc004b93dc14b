import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { accessAssignments } from '../../db/schema/index.js';
import { type AccessResource, resourceKey } from '../ports/chat-platform.js';

export type AssignmentRow = typeof accessAssignments.$inferSelect;
export type AssignmentState = 'granted' | 'invited' | 'revoked' | 'waiting_member' | 'failed';

/** What the reconciler decided for one (identity, resource), before it is written. */
export interface AssignmentOutcome {
  state: AssignmentState;
  detail: Record<string, unknown>;
  lastErrorCode: string | null;
  needsPerson: boolean;
  attempts: number;
  nextAttemptAt: Date | null;
}

export const settled = (state: AssignmentState, detail: Record<string, unknown> = {}): AssignmentOutcome => ({
  state,
  detail,
  lastErrorCode: null,
  needsPerson: false,
  attempts: 0,
  nextAttemptAt: null,
});

export const assignmentKey = (platform: string, externalId: string, resource: AccessResource) =>
  `${platform}|${externalId}|${resourceKey(resource)}`;

const rowKey = (row: AssignmentRow) =>
  assignmentKey(row.platform, row.externalId, {
    kind: row.kind as AccessResource['kind'],
    scopeId: row.scopeId,
    resourceId: row.resourceId,
    label: '',
  });

/** The rows of these identities, keyed by assignmentKey (by identity, not user: a relinked account keeps its history). */
export async function loadAssignments(
  executor: Executor,
  identities: ReadonlyArray<{ platform: string; externalId: string }>,
): Promise<Map<string, AssignmentRow>> {
  const byPlatform = new Map<string, string[]>();
  for (const identity of identities)
    byPlatform.set(identity.platform, [...(byPlatform.get(identity.platform) ?? []), identity.externalId]);
  const found = new Map<string, AssignmentRow>();
  for (const [platform, externalIds] of byPlatform) {
    const rows = await executor
      .select()
      .from(accessAssignments)
      .where(and(eq(accessAssignments.platform, platform), inArray(accessAssignments.externalId, externalIds)));
    for (const row of rows) found.set(rowKey(row), row);
  }
  return found;
}

/** Writing only what changed keeps a settled reconcile free of database writes too. */
export function outcomeChanged(previous: AssignmentRow | undefined, userId: string, next: AssignmentOutcome) {
  if (!previous) return true;
  return (
    previous.userId !== userId ||
    previous.state !== next.state ||
    previous.lastErrorCode !== next.lastErrorCode ||
    previous.needsPerson !== next.needsPerson ||
    previous.attempts !== next.attempts ||
    (previous.nextAttemptAt?.getTime() ?? null) !== (next.nextAttemptAt?.getTime() ?? null) ||
    JSON.stringify(previous.detail) !== JSON.stringify(next.detail)
  );
}

export async function saveAssignment(
  executor: Executor,
  entry: { userId: string; platform: string; externalId: string; resource: AccessResource; now: Date },
  outcome: AssignmentOutcome,
): Promise<void> {
  const values = { userId: entry.userId, ...outcome, updatedAt: entry.now };
  await executor
    .insert(accessAssignments)
    .values({
      ...values,
      platform: entry.platform,
      externalId: entry.externalId,
      kind: entry.resource.kind,
      scopeId: entry.resource.scopeId,
      resourceId: entry.resource.resourceId,
    })
    .onConflictDoUpdate({
      target: [
        accessAssignments.platform,
        accessAssignments.externalId,
        accessAssignments.kind,
        accessAssignments.scopeId,
        accessAssignments.resourceId,
      ],
      set: values,
    });
}
