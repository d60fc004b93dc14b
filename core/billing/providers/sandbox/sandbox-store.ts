import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../../db/client.js';
import { sandboxObjects } from '../../../../db/schema/index.js';
import { AppError } from '../../../errors.js';
import { type SandboxFields, type SandboxObjectKind, sandboxFieldSchemas } from './sandbox-objects.js';

/** One row of `sandbox_objects`, its data parsed into the shape of its kind. */
export interface SandboxRecord<Kind extends SandboxObjectKind> {
  id: string;
  kind: Kind;
  data: SandboxFields<Kind>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type SandboxRow = typeof sandboxObjects.$inferSelect;

function toRecord<Kind extends SandboxObjectKind>(kind: Kind, row: SandboxRow): SandboxRecord<Kind> {
  const parsed = sandboxFieldSchemas[kind].safeParse(row.data);
  if (!parsed.success)
    throw new AppError('sandbox_object_corrupt', `Sandbox ${kind} ${row.id} does not match its shape.`, {
      status: 500,
      context: { id: row.id, kind },
    });
  return { ...row, kind, data: parsed.data as SandboxFields<Kind> };
}

/** The object as the sandbox "API" shows it in webhooks: stored fields plus id and kind. */
export const toSandboxApiObject = <Kind extends SandboxObjectKind>(record: SandboxRecord<Kind>) => ({
  id: record.id,
  object: record.kind,
  ...record.data,
});

/** Null when the id is unknown or names an object of another kind. */
export async function readSandboxObject<Kind extends SandboxObjectKind>(
  executor: Executor,
  kind: Kind,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SandboxRecord<Kind> | null> {
  const query = executor
    .select()
    .from(sandboxObjects)
    .where(and(eq(sandboxObjects.id, id), eq(sandboxObjects.kind, kind)));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ? toRecord(kind, row) : null;
}

/** Inserts unless the id exists; returns null when it did (the caller reads the winner). */
export async function insertSandboxObject<Kind extends SandboxObjectKind>(
  executor: Executor,
  kind: Kind,
  id: string,
  data: SandboxFields<Kind>,
  now: Date,
): Promise<SandboxRecord<Kind> | null> {
  const [row] = await executor
    .insert(sandboxObjects)
    .values({ id, kind, data: data as Record<string, unknown>, version: 1, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  return row ? toRecord(kind, row) : null;
}

/** Inserts an object under a fresh random id; a collision would be a bug, never a retry case. */
export async function createSandboxObject<Kind extends SandboxObjectKind>(
  executor: Executor,
  kind: Kind,
  id: string,
  data: SandboxFields<Kind>,
  now: Date,
): Promise<SandboxRecord<Kind>> {
  const created = await insertSandboxObject(executor, kind, id, data, now);
  if (!created)
    throw new AppError('sandbox_id_collision', `Sandbox ${kind} id ${id} is already taken.`, {
      status: 500,
      context: { id, kind },
    });
  return created;
}

/**
 * Replaces the data and bumps `version`. The version guard turns a lost update (a writer that
 * read before another committed) into an error instead of silently overwriting.
 */
export async function updateSandboxObject<Kind extends SandboxObjectKind>(
  executor: Executor,
  record: SandboxRecord<Kind>,
  data: SandboxFields<Kind>,
  now: Date,
): Promise<SandboxRecord<Kind>> {
  const [row] = await executor
    .update(sandboxObjects)
    .set({ data: data as Record<string, unknown>, version: sql`${sandboxObjects.version} + 1`, updatedAt: now })
    .where(and(eq(sandboxObjects.id, record.id), eq(sandboxObjects.version, record.version)))
    .returning();
  if (!row)
    throw new AppError('sandbox_concurrent_update', `Sandbox ${record.kind} ${record.id} changed meanwhile.`, {
      status: 409,
      retryable: true,
      context: { id: record.id, kind: record.kind },
    });
  return toRecord(record.kind, row);
}

/** Merges a few fields into the stored data in one statement (no read, so no lost update). */
export async function mergeSandboxData<Kind extends SandboxObjectKind>(
  executor: Executor,
  kind: Kind,
  id: string,
  patch: Partial<SandboxFields<Kind>>,
  now: Date,
): Promise<void> {
  await executor
    .update(sandboxObjects)
    .set({
      data: sql`${sandboxObjects.data} || ${JSON.stringify(patch)}::jsonb`,
      version: sql`${sandboxObjects.version} + 1`,
      updatedAt: now,
    })
    .where(and(eq(sandboxObjects.id, id), eq(sandboxObjects.kind, kind)));
}

/** Objects of one kind whose data field `field` equals `value` (e.g. disputes of a payment). */
export async function findSandboxObjects<Kind extends SandboxObjectKind>(
  executor: Executor,
  kind: Kind,
  field: keyof SandboxFields<Kind> & string,
  value: string,
): Promise<SandboxRecord<Kind>[]> {
  const rows = await executor
    .select()
    .from(sandboxObjects)
    .where(and(eq(sandboxObjects.kind, kind), sql`${sandboxObjects.data} ->> ${field} = ${value}`))
    .orderBy(asc(sandboxObjects.createdAt), asc(sandboxObjects.id));
  return rows.map((row) => toRecord(kind, row));
}

/** Newest first, for the admin view; rows are returned as stored. */
export async function listSandboxRows(
  executor: Executor,
  kind: SandboxObjectKind | undefined,
  limit: number,
): Promise<SandboxRow[]> {
  return executor
    .select()
    .from(sandboxObjects)
    .where(kind === undefined ? undefined : eq(sandboxObjects.kind, kind))
    .orderBy(desc(sandboxObjects.createdAt), asc(sandboxObjects.id))
    .limit(limit);
}
