import { and, asc, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { identities } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { AccessStrategyRegistry } from './access-strategy-registry.js';
import type { PlanResource } from './desired-access.js';
import { type IdentityRow, loadIdentities, type MemberReconciler, type ReconcileContext } from './reconcile-member.js';

export interface ReconcileTotals {
  members: number;
  grants: number;
  invites: number;
  revokes: number;
  waiting: number;
  failures: number;
}

/**
 * Reconciles every member with an identity on a registered platform: keyset pages by user
 * id, a few members at a time (the per-platform gates set the pace), plans and resources
 * loaded once per run and identities once per page. One full run at a time per process; a
 * second call joins the running one.
 */
export function createFullReconcile(deps: {
  db: Database;
  registry: AccessStrategyRegistry;
  reconciler: MemberReconciler;
  catalog: Pick<CatalogService, 'planIndex'>;
  loadResources: () => Promise<PlanResource[]>;
  logger: Logger;
  pageSize?: number;
  /** Members in flight at once: enough to keep every gate busy while some wait on the database. */
  concurrency?: number;
}) {
  const { db, logger } = deps;
  const pageSize = deps.pageSize ?? 500;
  const concurrency = deps.concurrency ?? 32;
  let running: Promise<ReconcileTotals> | undefined;

  /** Members one page at a time, each with what the page loaded for them. */
  async function* members(platforms: string[], shared: Required<Pick<ReconcileContext, 'plans' | 'resources'>>) {
    let cursor: string | undefined;
    for (;;) {
      const page = await db
        .selectDistinct({ userId: identities.userId })
        .from(identities)
        .where(
          and(
            inArray(identities.platform, platforms),
            cursor === undefined ? undefined : gt(identities.userId, cursor),
          ),
        )
        .orderBy(asc(identities.userId))
        .limit(pageSize);
      if (page.length === 0) return;
      const userIds = page.map((row) => row.userId);
      const pageIdentities = await loadIdentities(db, userIds, platforms);
      const byUser = new Map<string, IdentityRow[]>();
      for (const identity of pageIdentities)
        byUser.set(identity.userId, [...(byUser.get(identity.userId) ?? []), identity]);
      for (const userId of userIds) yield { userId, context: { ...shared, identities: byUser.get(userId) ?? [] } };
      cursor = userIds[userIds.length - 1];
      if (page.length < pageSize) return;
    }
  }

  async function run(): Promise<ReconcileTotals> {
    const totals: ReconcileTotals = { members: 0, grants: 0, invites: 0, revokes: 0, waiting: 0, failures: 0 };
    const platforms = deps.registry.names();
    if (platforms.length === 0) return totals;
    const started = Date.now();
    const resources = await deps.loadResources();
    if (resources.length === 0) return totals;
    const queue = members(platforms, { plans: await deps.catalog.planIndex(), resources });

    const worker = async () => {
      // Concurrent next() calls on one async generator are queued by the language: each member is taken once.
      for (let next = await queue.next(); !next.done; next = await queue.next()) {
        const { userId, context } = next.value;
        totals.members += 1;
        try {
          const report = await deps.reconciler.reconcileUser(userId, context);
          for (const action of report.actions) {
            if (action.outcome === 'granted') totals.grants += 1;
            if (action.outcome === 'invited') totals.invites += 1;
            if (action.outcome === 'revoked') totals.revokes += 1;
          }
          totals.waiting += report.waiting.length;
          totals.failures += report.failures;
        } catch (error) {
          totals.failures += 1;
          logger.error({ err: error, userId }, 'member reconcile failed');
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    logger.info({ ...totals, durationMs: Date.now() - started }, 'full access reconcile finished');
    return totals;
  }

  return {
    reconcileAll(): Promise<ReconcileTotals> {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
