import { and, asc, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { identities } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import type { Metrics } from '../metrics.js';
import {
  type AccessResource,
  type AccessStrategy,
  type ChatPlatformName,
  isPlatformError,
  platformOfKind,
} from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import {
  type AssignmentOutcome,
  type AssignmentRow,
  assignmentKey,
  loadAssignments,
  outcomeChanged,
  saveAssignment,
  settled,
} from './access-assignments.js';
import type { AccessStrategyRegistry, RegisteredPlatform } from './access-strategy-registry.js';
import { desiredAccess, type PlanForAccess, type PlanResource } from './desired-access.js';
import { createSingleFlightPerKey } from './single-flight-per-key.js';

export const accessReconcileJob = 'access.reconcile';

export type ReconcileActionKind = 'grant' | 'revoke' | 'invite';
export type ReconcileOutcome = 'granted' | 'invited' | 'revoked' | 'waiting_member' | 'failed';

export interface ReconcileAction {
  platform: ChatPlatformName;
  externalId: string;
  resource: AccessResource;
  action: ReconcileActionKind;
  outcome: ReconcileOutcome;
  errorCode?: string;
}

export interface ReconcileReport {
  userId: string;
  /** Platform calls that changed something, or tried to. */
  actions: ReconcileAction[];
  /** Desired resources the member cannot hold yet: not in the guild/workspace, or an invite not followed. */
  waiting: Array<{ platform: ChatPlatformName; externalId: string; resource: AccessResource }>;
  failures: number;
}

export type IdentityRow = typeof identities.$inferSelect;

/** What a full reconcile loads once for a page of members instead of once per member. */
export interface ReconcileContext {
  plans?: ReadonlyMap<string, PlanForAccess>;
  resources?: readonly PlanResource[];
  identities?: IdentityRow[];
}

export interface MemberReconcilerDependencies {
  db: Database;
  registry: AccessStrategyRegistry;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  loadResources: () => Promise<PlanResource[]>;
  queue: Queue;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  /** First retry delay after a retryable failure; doubles per attempt up to maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/** The registered identities of some users, in user order (one query per page in a full reconcile). */
export async function loadIdentities(db: Database, userIds: string[], platforms: string[]): Promise<IdentityRow[]> {
  if (userIds.length === 0 || platforms.length === 0) return [];
  return db
    .select()
    .from(identities)
    .where(and(inArray(identities.userId, userIds), inArray(identities.platform, platforms)))
    .orderBy(asc(identities.userId), asc(identities.platform), asc(identities.externalId));
}

const inviteIsLive = (row: AssignmentRow | undefined, now: Date) =>
  row?.state === 'invited' &&
  typeof row.detail.expiresAt === 'string' &&
  Date.parse(row.detail.expiresAt) > now.getTime();

const describeError = (error: unknown) =>
  isPlatformError(error)
    ? { code: error.code, retryable: error.retryable, needsPerson: error.needsPerson, retryAfterMs: error.retryAfterMs }
    : // Anything else (a bug, a network error the adapter did not classify) is worth another try.
      { code: 'access_sync_error', retryable: true, needsPerson: false, retryAfterMs: undefined };

/**
 * Makes one member's access on every registered platform match their entitlements: reads
 * what each platform reports and sends only the difference, every call through the
 * platform's rate gate. Every outcome is remembered in access_assignments.
 */
export function createMemberReconciler(deps: MemberReconcilerDependencies) {
  const { db, registry, clock, logger, metrics } = deps;
  const singleFlight = createSingleFlightPerKey<ReconcileReport>();

  const backoff = (attempts: number) =>
    Math.min(deps.maxRetryDelayMs, deps.retryBaseMs * 2 ** Math.max(0, attempts - 1));

  async function reconcile(userId: string, context: ReconcileContext): Promise<ReconcileReport> {
    const report: ReconcileReport = { userId, actions: [], waiting: [], failures: 0 };
    const platformNames = registry.names();
    if (platformNames.length === 0) return report;
    const memberIdentities = context.identities ?? (await loadIdentities(db, [userId], platformNames));
    if (memberIdentities.length === 0) return report;
    const resources = context.resources ?? (await deps.loadResources());
    if (resources.length === 0) return report;
    const plans = context.plans ?? (await deps.catalog.planIndex());
    const entitlement = await deps.entitlements.get(userId);
    const { managed, desired } = desiredAccess(entitlement, plans, resources);
    // Read after any earlier run for this member finished, never from a page loaded before it.
    const assignments = await loadAssignments(db, memberIdentities);
    let retryDelayMs: number | undefined;
    let retryAttempt = 0;

    for (const identity of memberIdentities) {
      const registered = registry.platform(identity.platform);
      if (!registered) continue;
      for (const [key, resource] of managed) {
        if (platformOfKind[resource.kind] !== registered.platform.name) continue;
        const strategy = registry.strategy(resource.kind);
        if (!strategy) continue;
        const failure = await reconcileResource({
          userId,
          registered,
          strategy,
          externalId: identity.externalId,
          resource,
          shouldHold: desired.has(key),
          previous: assignments.get(assignmentKey(identity.platform, identity.externalId, resource)),
          report,
        });
        if (failure) {
          retryDelayMs = Math.max(retryDelayMs ?? 0, failure.delayMs);
          retryAttempt = Math.max(retryAttempt, failure.attempts);
        }
      }
    }

    if (retryDelayMs !== undefined)
      // A new id per attempt: BullMQ ignores an id that is still running, which this job may be.
      await deps.queue.enqueue(
        accessReconcileJob,
        { userId },
        { jobId: `access-reconcile-${userId}-retry-${retryAttempt}`, delayMs: retryDelayMs },
      );
    return report;
  }

  async function reconcileResource(entry: {
    userId: string;
    registered: RegisteredPlatform;
    strategy: AccessStrategy;
    externalId: string;
    resource: AccessResource;
    shouldHold: boolean;
    previous: AssignmentRow | undefined;
    report: ReconcileReport;
  }): Promise<{ delayMs: number; attempts: number } | undefined> {
    const { userId, registered, strategy, externalId, resource, shouldHold, previous, report } = entry;
    const { platform, gate } = registered;
    const now = clock.now();
    const save = async (outcome: AssignmentOutcome) => {
      if (outcomeChanged(previous, userId, outcome))
        await saveAssignment(db, { userId, platform: platform.name, externalId, resource, now }, outcome);
    };
    const repaired = (action: ReconcileActionKind, outcome: ReconcileOutcome) => {
      report.actions.push({ platform: platform.name, externalId, resource, action, outcome });
      metrics.accessDriftRepaired.inc({ platform: platform.name, action });
      logger.info(
        { userId, platform: platform.name, externalId, kind: resource.kind, resourceId: resource.resourceId, action },
        'access drift repaired',
      );
    };
    const waiting = () => report.waiting.push({ platform: platform.name, externalId, resource });
    let action: ReconcileActionKind = shouldHold ? 'grant' : 'revoke';
    const liveInvite = shouldHold && inviteIsLive(previous, now);
    // A failure must not forget a live invite: the next pass would otherwise make a second link.
    let detail: Record<string, unknown> = liveInvite ? { ...previous?.detail } : {};

    try {
      const state = strategy.readIsLocal?.(externalId, resource)
        ? await strategy.read(externalId, resource)
        : await gate.run(() => strategy.read(externalId, resource));
      if (!shouldHold) {
        const unusedInvite = inviteIsLive(previous, now) ? String(previous?.detail.inviteUrl ?? '') : '';
        if (state === 'held') {
          await gate.run(() => strategy.revoke(externalId, resource));
          await save(settled('revoked'));
          repaired('revoke', 'revoked');
        } else if (unusedInvite && strategy.withdrawInvite) {
          // An invite sent while they paid must not let them in after access ended.
          await gate.run(() => strategy.withdrawInvite!(externalId, resource, unusedInvite));
          await save(settled('revoked'));
          repaired('revoke', 'revoked');
        } else if (previous && previous.state !== 'revoked') await save(settled('revoked'));
        return undefined;
      }
      if (state === 'held') {
        await save(settled('granted'));
        return undefined;
      }
      if (liveInvite) {
        // Never a second link while one is live; only a link the member never received is sent again.
        if (detail.delivered !== true) {
          action = 'invite';
          await sendInvite(registered, externalId, resource, String(detail.inviteUrl), String(detail.expiresAt));
          await save(settled('invited', { ...detail, delivered: true }));
          repaired('invite', 'invited');
        }
        waiting();
        return undefined;
      }
      if (state === 'not_in_scope') {
        await save(settled('waiting_member'));
        waiting();
        return undefined;
      }
      const granted = await gate.run(() => strategy.grant(externalId, resource));
      if (granted.result === 'granted') {
        await save(settled('granted'));
        repaired('grant', 'granted');
      } else if (granted.result === 'not_in_scope') {
        await save(settled('waiting_member'));
        report.actions.push({ platform: platform.name, externalId, resource, action, outcome: 'waiting_member' });
        waiting();
      } else {
        action = 'invite';
        const expiresAt = granted.expiresAt.toISOString();
        detail = { inviteUrl: granted.inviteUrl, expiresAt, delivered: false };
        await sendInvite(registered, externalId, resource, granted.inviteUrl, expiresAt);
        await save(settled('invited', { ...detail, delivered: true }));
        repaired('invite', 'invited');
        waiting();
      }
      return undefined;
    } catch (error) {
      const described = describeError(error);
      const attempts = (previous?.attempts ?? 0) + 1;
      if (described.code === 'platform_rate_limited' && described.retryAfterMs) gate.pauseFor(described.retryAfterMs);
      const delayMs = described.retryable ? Math.max(described.retryAfterMs ?? 0, backoff(attempts)) : undefined;
      await save({
        // An invite whose DM failed stays on record, so the retry sends that link, not a new one.
        state: action === 'invite' || liveInvite ? 'invited' : 'failed',
        detail,
        lastErrorCode: described.code,
        needsPerson: described.needsPerson,
        attempts,
        nextAttemptAt: delayMs === undefined ? null : new Date(now.getTime() + delayMs),
      });
      metrics.accessSyncFailures.inc({ platform: platform.name, code: described.code });
      report.failures += 1;
      report.actions.push({
        platform: platform.name,
        externalId,
        resource,
        action,
        outcome: 'failed',
        errorCode: described.code,
      });
      const context = {
        userId,
        platform: platform.name,
        externalId,
        resource: resource.resourceId,
        code: described.code,
      };
      if (described.needsPerson)
        // Retrying cannot fix a missing permission; the scheduled reconcile tries again after someone does.
        logger.warn({ ...context, err: error }, 'access sync needs a person');
      else logger.info({ ...context, attempts, retryInMs: delayMs }, 'access sync failed');
      return delayMs === undefined ? undefined : { delayMs, attempts };
    }
  }

  async function sendInvite(
    registered: RegisteredPlatform,
    externalId: string,
    resource: AccessResource,
    inviteUrl: string,
    expiresAt: string,
  ) {
    const name = resource.label || 'the members chat';
    const until = new Date(expiresAt).toUTCString().replace(/:\d\d GMT$/, ' UTC');
    await registered.gate.run(() =>
      registered.platform.sendDirectMessage(externalId, {
        text: `Your plan includes ${name}. This personal invite link works once, until ${until}.`,
        links: [{ label: `Join ${name}`, url: inviteUrl }],
      }),
    );
  }

  return {
    /** Reconciles one member; concurrent calls for the same member run one after the other. */
    reconcileUser(userId: string, context: ReconcileContext = {}): Promise<ReconcileReport> {
      return singleFlight(userId, () => reconcile(userId, context));
    },
  };
}

export type MemberReconciler = ReturnType<typeof createMemberReconciler>;
