import { and, asc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { accessAssignments, identities } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import type { Metrics } from '../metrics.js';
import {
  type AccessResource,
  type ChatPlatform,
  type ChatPlatformName,
  type PreflightProblem,
  platformOfKind,
  resourceKey,
} from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import type { AssignmentRow } from './access-assignments.js';
import { createAccessStrategyRegistry } from './access-strategy-registry.js';
import { desiredAccess } from './desired-access.js';
import { createPlanAccessResources } from './plan-access-resources.js';
import type { RateGate } from './rate-gate.js';
import { createFullReconcile } from './reconcile-all.js';
import { accessReconcileJob, createMemberReconciler } from './reconcile-member.js';

export { accessReconcileJob };

/**
 * Access sync as the rest of the product sees it: platforms register their strategies, the
 * reconciler keeps every member's roles, chats and channels equal to their entitlements.
 */
export function createAccessService(deps: {
  db: Database;
  catalog: CatalogService;
  entitlements: EntitlementService;
  queue: Queue;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  concurrency?: number;
  createGate?: (platform: ChatPlatform) => RateGate;
}) {
  const { db, queue, clock } = deps;
  const registry = createAccessStrategyRegistry(deps.createGate ? { createGate: deps.createGate } : {});
  const resources = createPlanAccessResources({ db });
  const loadResources = () => resources.all();
  const reconciler = createMemberReconciler({
    db,
    registry,
    entitlements: deps.entitlements,
    catalog: deps.catalog,
    loadResources,
    queue,
    clock,
    metrics: deps.metrics,
    logger: deps.logger,
    retryBaseMs: deps.retryBaseMs ?? 2000,
    maxRetryDelayMs: deps.maxRetryDelayMs ?? 15 * 60_000,
  });
  const full = createFullReconcile({
    db,
    registry,
    reconciler,
    catalog: deps.catalog,
    loadResources,
    logger: deps.logger,
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
  });

  async function userOf(platform: ChatPlatformName, externalId: string) {
    const [identity] = await db
      .select({ userId: identities.userId })
      .from(identities)
      .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)));
    return identity?.userId;
  }

  return {
    registry,
    registerPlatform: (platform: ChatPlatform) => registry.registerPlatform(platform),
    platforms: (): ChatPlatform[] => registry.platforms().map((registered) => registered.platform),
    resources,
    reconcileUser: (userId: string) => reconciler.reconcileUser(userId),

    /** A moderator's "re-sync now": reconcile, and keep who asked and how many changes it made. */
    async resyncForModerator(userId: string, actor: string) {
      const report = await reconciler.reconcileUser(userId);
      await recordAudit(db, {
        actor,
        action: 'access.resynced',
        subjectType: 'user',
        subjectId: userId,
        details: { changes: report.actions.length, failures: report.failures },
      });
      return report;
    },
    reconcileAll: () => full.reconcileAll(),

    /** After an entitlement change; the version in the job id lets each change reconcile once. */
    async entitlementsChanged(change: { userId: string; version: number }) {
      if (registry.names().length === 0) return;
      await queue.enqueue(
        accessReconcileJob,
        { userId: change.userId },
        { jobId: `access-reconcile-${change.userId}-v${change.version}` },
      );
    },

    /** A member joined a guild, chat or workspace: what was waiting for them can be granted now. */
    async memberJoined(platform: ChatPlatformName, externalId: string) {
      const userId = await userOf(platform, externalId);
      if (!userId) return;
      // Joins within the same second share a job; a later join gets its own.
      const second = Math.floor(clock.now().getTime() / 1000);
      await queue.enqueue(accessReconcileJob, { userId }, { jobId: `access-reconcile-${userId}-joined-${second}` });
    },

    /** Should this member hold this resource now? (Telegram join requests are approved on this.) */
    async shouldHold(
      platform: ChatPlatformName,
      externalId: string,
      resource: Pick<AccessResource, 'kind' | 'scopeId' | 'resourceId'>,
    ): Promise<boolean> {
      if (platformOfKind[resource.kind] !== platform) return false;
      const userId = await userOf(platform, externalId);
      if (!userId) return false;
      const [entitlement, plans, planResources] = await Promise.all([
        deps.entitlements.get(userId),
        deps.catalog.planIndex(),
        loadResources(),
      ]);
      return desiredAccess(entitlement, plans, planResources).desired.has(resourceKey(resource));
    },

    /** Can each registered bot manage the resources of its platform? Run at start-up and by /admin sync. */
    async preflight(): Promise<Array<{ platform: ChatPlatformName; problems: PreflightProblem[] }>> {
      const { managed } = desiredAccess({ tier: '', status: '', features: [] }, new Map(), await loadResources());
      const reports = [];
      for (const { platform } of registry.platforms()) {
        const own = [...managed.values()].filter((resource) => platformOfKind[resource.kind] === platform.name);
        let problems: PreflightProblem[];
        try {
          problems = await platform.preflight(own);
        } catch (error) {
          problems = [
            {
              code: 'platform_unreachable',
              message: `Could not check ${platform.name}: ${error instanceof Error ? error.message : String(error)}`,
            },
          ];
        }
        reports.push({ platform: platform.name, problems });
      }
      return reports;
    },

    /** What the reconciler last did for each of the member's resources (moderator lookup). */
    assignmentsOf(userId: string): Promise<AssignmentRow[]> {
      return db
        .select()
        .from(accessAssignments)
        .where(eq(accessAssignments.userId, userId))
        .orderBy(asc(accessAssignments.platform), asc(accessAssignments.kind), asc(accessAssignments.resourceId));
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
