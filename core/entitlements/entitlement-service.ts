import { eq, lte, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Database, Executor, Transaction } from '../../db/client.js';
import { entitlements, users } from '../../db/schema/index.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { notFound } from '../errors.js';
import { nudgeWithin } from '../jobs/nudge-within.js';
import type { Metrics } from '../metrics.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import { computeEntitlements } from './compute-entitlements.js';
import type { EntitlementPolicy } from './entitlement-types.js';
import { loadEntitlementFacts } from './load-entitlement-facts.js';

const cacheNamespace = 'entitlements';
export const entitlementsChangedJob = 'entitlements.changed';

/** The public shape of a user's entitlements (API, bots, cache). */
export interface EntitlementView {
  user_id: string;
  tier: string;
  status: string;
  features: string[];
  quotas: Record<string, number>;
  expires_at: string | null;
  explanation: string;
  version: number;
  /** Internal: when time alone changes this view; a cached copy past it is recomputed. */
  recheck_at: string | null;
}

export interface EntitlementChange {
  userId: string;
  version: number;
  view: EntitlementView;
}

const toView = (row: typeof entitlements.$inferSelect): EntitlementView => ({
  user_id: row.userId,
  tier: row.tier,
  status: row.status,
  features: row.features,
  quotas: row.quotas,
  expires_at: row.expiresAt?.toISOString() ?? null,
  explanation: row.explanation,
  version: row.version,
  recheck_at: row.recheckAt?.toISOString() ?? null,
});

const sameResult = (left: Omit<EntitlementView, 'version' | 'recheck_at'>, right: EntitlementView) =>
  left.tier === right.tier &&
  left.status === right.status &&
  left.expires_at === right.expires_at &&
  left.explanation === right.explanation &&
  JSON.stringify(left.features) === JSON.stringify(right.features) &&
  JSON.stringify(left.quotas) === JSON.stringify(right.quotas);

export function createEntitlementService(deps: {
  db: Database;
  cache: Cache;
  queue: Queue;
  clock: Clock;
  catalog: CatalogService;
  metrics: Metrics;
  logger: Logger;
  policy: EntitlementPolicy;
  cacheTtlSeconds: number;
  localCacheTtlMs: number;
}) {
  const { db, cache, clock } = deps;
  // In front of a shared (Redis) cache, a small per-process copy keeps the hot check in the
  // process. A memory cache is already in the process, so a second copy would only cost memory.
  const local =
    deps.localCacheTtlMs > 0
      ? new LRUCache<string, EntitlementView>({ max: 50_000, ttl: deps.localCacheTtlMs })
      : undefined;
  cache.onInvalidate((namespace, key) => {
    if (namespace === cacheNamespace) local?.delete(key);
  });

  const fresh = (view: EntitlementView | undefined): view is EntitlementView =>
    view !== undefined && (view.recheck_at === null || Date.parse(view.recheck_at) > clock.now().getTime());

  /** Recomputes and stores one user's entitlements inside the caller's transaction. */
  async function recompute(executor: Executor, userId: string): Promise<{ view: EntitlementView; changed: boolean }> {
    // One recompute per user at a time, and facts read only after the lock: a concurrent
    // transaction's facts are then committed and visible, so neither result is stale.
    await executor.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`entitlements:${userId}`}, 0))`);
    const facts = await loadEntitlementFacts(executor, userId);
    const plans = await deps.catalog.planIndex(executor);
    const now = clock.now();
    const result = computeEntitlements(facts, plans, deps.policy, now);
    const candidate = {
      user_id: userId,
      tier: result.tier,
      status: result.status,
      features: result.features,
      quotas: result.quotas,
      expires_at: result.expiresAt?.toISOString() ?? null,
      explanation: result.explanation,
    };
    const [existing] = await executor.select().from(entitlements).where(eq(entitlements.userId, userId));
    if (existing && sameResult(candidate, toView(existing))) {
      const [row] = await executor
        .update(entitlements)
        .set({ computedAt: now, recheckAt: result.recheckAt })
        .where(eq(entitlements.userId, userId))
        .returning();
      return { view: toView(row!), changed: false };
    }
    const values = {
      tier: result.tier,
      status: result.status,
      features: result.features,
      quotas: result.quotas,
      expiresAt: result.expiresAt,
      recheckAt: result.recheckAt,
      explanation: result.explanation,
      computedAt: now,
    };
    const [row] = existing
      ? await executor
          .update(entitlements)
          .set({ ...values, version: existing.version + 1 })
          .where(eq(entitlements.userId, userId))
          .returning()
      : await executor
          .insert(entitlements)
          .values({ userId, ...values, version: 1 })
          .returning();
    return { view: toView(row!), changed: true };
  }

  /** After commit: replace cached copies everywhere and nudge the side effects (access sync, DMs). */
  async function publish(changes: EntitlementChange[]) {
    for (const change of changes) {
      local?.delete(change.userId);
      await cache.delete(cacheNamespace, change.userId);
      await cache.set(cacheNamespace, change.userId, change.view, deps.cacheTtlSeconds);
      deps.metrics.entitlementChanges.inc({ status: change.view.status });
      // The change is committed: a queue that cannot take the nudge must not turn it into an
      // error for the caller (access reconcile sweeps catch up on a lost one).
      await nudgeWithin(
        () =>
          deps.queue.enqueue(
            entitlementsChangedJob,
            { userId: change.userId, version: change.version },
            { jobId: `entitlements-changed-${change.userId}-v${change.version}` },
          ),
        (error) => deps.logger.warn({ err: error, userId: change.userId }, 'entitlement change nudge failed'),
      );
    }
  }

  /**
   * The one way facts change: `work` writes them in a transaction and names the users it
   * touched; their entitlements are recomputed in that same transaction, and published
   * (caches replaced, side effects nudged) only after it commits.
   */
  async function commitAndRecompute<T>(
    work: (transaction: Transaction) => Promise<{ value: T; userIds: Iterable<string> }>,
  ): Promise<{ value: T; views: Map<string, EntitlementView>; changes: EntitlementChange[] }> {
    const views = new Map<string, EntitlementView>();
    const changes: EntitlementChange[] = [];
    const value = await db.transaction(async (transaction) => {
      const outcome = await work(transaction);
      // A fixed order keeps two multi-user recomputes from waiting on each other's locks.
      for (const userId of [...new Set(outcome.userIds)].sort()) {
        const { view, changed } = await recompute(transaction, userId);
        views.set(userId, view);
        if (changed) changes.push({ userId, version: view.version, view });
      }
      return outcome.value;
    });
    await publish(changes);
    return { value, views, changes };
  }

  const recomputeUsers = (userIds: string[]) => commitAndRecompute(async () => ({ value: undefined, userIds }));

  async function requireUser(userId: string) {
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user) throw notFound('user_not_found', `No user with id "${userId}".`, { user_id: userId });
  }

  return {
    commitAndRecompute,

    /** The hot read: per-process copy (with a shared cache), then the cache, then the database. */
    async get(userId: string): Promise<EntitlementView> {
      const cachedLocally = local?.get(userId);
      if (fresh(cachedLocally)) return cachedLocally;
      const cached = await cache.get<EntitlementView>(cacheNamespace, userId);
      if (fresh(cached)) {
        local?.set(userId, cached);
        return cached;
      }
      const [row] = await db.select().from(entitlements).where(eq(entitlements.userId, userId));
      let view = row ? toView(row) : undefined;
      if (!fresh(view)) {
        // A stored row proves the user exists; only a first read has to check.
        if (!row) await requireUser(userId);
        view = (await recomputeUsers([userId])).views.get(userId)!;
      }
      await cache.set(cacheNamespace, userId, view, deps.cacheTtlSeconds, { onlyIfAbsent: true });
      local?.set(userId, view);
      return view;
    },

    /** Recomputes one user from the stored facts now, whatever the caches hold. */
    async refresh(userId: string): Promise<{ view: EntitlementView; changed: boolean }> {
      await requireUser(userId);
      const { views, changes } = await recomputeUsers([userId]);
      return { view: views.get(userId)!, changed: changes.length > 0 };
    },

    /** Recomputes users whose access changes with time (period, grace or grant ended). */
    async sweepDue(limit = 500) {
      const due = await db
        .select({ userId: entitlements.userId })
        .from(entitlements)
        .where(lte(entitlements.recheckAt, clock.now()))
        .limit(limit);
      if (due.length === 0) return [];
      const { changes } = await recomputeUsers(due.map((row) => row.userId));
      if (changes.length) deps.logger.info({ count: changes.length }, 'entitlements changed with time');
      return changes;
    },
  };
}

export type EntitlementService = ReturnType<typeof createEntitlementService>;
