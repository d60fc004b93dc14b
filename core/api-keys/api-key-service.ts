import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Database, Transaction } from '../../db/client.js';
import { apiKeys, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import { apiKeyMatches, apiKeyPrefix, generateApiKey, maskedApiKey } from './api-key-format.js';
import { adminOnlyScopes, apiAccessFeatures } from './api-key-scopes.js';

export const apiKeyCacheNamespace = 'api-keys';
const cacheNamespace = apiKeyCacheNamespace;
/** Unknown prefixes are remembered briefly, so garbage keys do not each cost a query. */
const missingTtlSeconds = 60;
export const maxActiveKeysPerMember = 10;

/** What a verified key says about its caller. */
export interface VerifiedApiKey {
  id: string;
  userId: string;
  scopes: string[];
}

type CachedKey =
  | { id: string; userId: string; secretHash: string; scopes: string[]; revoked: boolean }
  | { missing: true };

export interface ApiKeyRecord {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  masked: string;
  scopes: string[];
  created_at: string;
  revoked_at: string | null;
  rotated_from_id: string | null;
}

const toRecord = (row: typeof apiKeys.$inferSelect): ApiKeyRecord => ({
  id: row.id,
  user_id: row.userId,
  name: row.name,
  prefix: row.prefix,
  masked: maskedApiKey(row.prefix),
  scopes: row.scopes,
  created_at: row.createdAt.toISOString(),
  revoked_at: row.revokedAt?.toISOString() ?? null,
  rotated_from_id: row.rotatedFromId,
});

/** Who asks: a member (only their own keys) or the admin key (any key, admin-only scopes). */
export type KeyActor = { kind: 'member'; userId: string; tag: string } | { kind: 'admin'; tag: string };

/**
 * Issue, list, rotate, revoke and verify API keys. A key's secret exists only in the answer
 * that creates it; the database holds its SHA-256. Verification is the hot path: a per-process
 * copy (in front of a shared cache), then the cache, then one indexed query by prefix.
 */
export function createApiKeyService(deps: {
  db: Database;
  cache: Cache;
  clock: Clock;
  entitlements: Pick<EntitlementService, 'get'>;
  cacheTtlSeconds: number;
  localCacheTtlMs: number;
}) {
  const { db, cache, clock } = deps;
  const local =
    deps.localCacheTtlMs > 0 ? new LRUCache<string, CachedKey>({ max: 50_000, ttl: deps.localCacheTtlMs }) : undefined;
  cache.onInvalidate((namespace, key) => {
    if (namespace === cacheNamespace) local?.delete(key);
  });

  async function assertMayHoldKeys(actor: KeyActor, userId: string, scopes: string[]) {
    if (actor.kind === 'admin') return;
    if (scopes.some((scope) => adminOnlyScopes.includes(scope)))
      throw new AppError('scope_forbidden', 'Only an admin can issue a key with these scopes.', {
        status: 403,
        context: { scopes },
      });
    const view = await deps.entitlements.get(userId);
    if (!apiAccessFeatures.some((feature) => view.features.includes(feature)))
      throw new AppError('api_access_required', 'API keys come with the Core plan and above; see /tiers.', {
        status: 403,
      });
  }

  /** Inserts a key; the per-member lock makes the count check and the insert one step. */
  async function insertKey(
    transaction: Transaction,
    input: { userId: string; name: string; scopes: string[]; actorTag: string; rotatedFromId: string | null },
  ) {
    await transaction.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`api-keys:${input.userId}`}, 0))`);
    const [active] = await transaction
      .select({ value: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, input.userId), isNull(apiKeys.revokedAt)));
    if ((active?.value ?? 0) >= maxActiveKeysPerMember)
      throw conflict(
        'api_key_limit',
        `A member holds at most ${maxActiveKeysPerMember} active keys; revoke one first.`,
      );
    // 32 bits of prefix: a clash is rare, and the unique index refuses it rather than mixing keys up.
    for (let attempt = 0; ; attempt += 1) {
      const generated = generateApiKey();
      const [row] = await transaction
        .insert(apiKeys)
        .values({
          userId: input.userId,
          prefix: generated.prefix,
          secretHash: generated.secretHash,
          name: input.name,
          scopes: input.scopes,
          createdBy: input.actorTag,
          rotatedFromId: input.rotatedFromId,
          createdAt: clock.now(),
        })
        .onConflictDoNothing()
        .returning();
      if (row) {
        await recordAudit(transaction, {
          actor: input.actorTag,
          action: input.rotatedFromId ? 'api_key.rotated' : 'api_key.created',
          subjectType: 'api_key',
          subjectId: row.id,
          details: {
            user_id: input.userId,
            prefix: row.prefix,
            scopes: input.scopes,
            rotated_from: input.rotatedFromId,
          },
        });
        return { key: generated.key, row };
      }
      if (attempt >= 3) throw new AppError('api_key_generation_failed', 'Could not generate a unique key.');
    }
  }

  async function ownedKey(actor: KeyActor, keyId: string, executor: Database | Transaction = db) {
    const [row] = await executor
      .select()
      .from(apiKeys)
      .where(
        actor.kind === 'admin' ? eq(apiKeys.id, keyId) : and(eq(apiKeys.id, keyId), eq(apiKeys.userId, actor.userId)),
      );
    // Someone else's key is "not found": its existence is none of the caller's business.
    if (!row) throw notFound('api_key_not_found', 'No such API key.', { id: keyId });
    return row;
  }

  /** After commit: every process drops its copy (a new key may follow a remembered miss). */
  async function dropCached(prefix: string) {
    local?.delete(prefix);
    await cache.delete(cacheNamespace, prefix);
  }

  /** After a revoke: dropped everywhere, and a tombstone stops a reader that raced the revoke from refilling it. */
  async function forget(prefix: string) {
    await dropCached(prefix);
    const tombstone: CachedKey = { missing: true };
    await cache.set(cacheNamespace, prefix, tombstone, deps.cacheTtlSeconds);
  }

  async function revokeRow(transaction: Transaction, row: typeof apiKeys.$inferSelect, actorTag: string) {
    const [revoked] = await transaction
      .update(apiKeys)
      .set({ revokedAt: clock.now() })
      .where(and(eq(apiKeys.id, row.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!revoked) throw conflict('api_key_revoked', 'This key is already revoked.', { id: row.id });
    await recordAudit(transaction, {
      actor: actorTag,
      action: 'api_key.revoked',
      subjectType: 'api_key',
      subjectId: row.id,
      details: { user_id: row.userId, prefix: row.prefix },
    });
    return revoked;
  }

  async function lookup(prefix: string): Promise<CachedKey> {
    const cachedLocally = local?.get(prefix);
    if (cachedLocally) return cachedLocally;
    const cached = await cache.get<CachedKey>(cacheNamespace, prefix);
    if (cached) {
      local?.set(prefix, cached);
      return cached;
    }
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    const entry: CachedKey = row
      ? {
          id: row.id,
          userId: row.userId,
          secretHash: row.secretHash,
          scopes: row.scopes,
          revoked: row.revokedAt !== null,
        }
      : { missing: true };
    await cache.set(cacheNamespace, prefix, entry, row ? deps.cacheTtlSeconds : missingTtlSeconds, {
      onlyIfAbsent: true,
    });
    local?.set(prefix, entry);
    return entry;
  }

  return {
    /** A new key for `userId`; the only time its secret is returned. */
    async create(actor: KeyActor, input: { userId: string; name?: string | undefined; scopes?: string[] | undefined }) {
      const scopes = [...new Set(input.scopes ?? [])].sort();
      if (actor.kind === 'member' && actor.userId !== input.userId)
        throw notFound('user_not_found', 'No such user.', { user_id: input.userId });
      // The admin key may name any user id; one that names nobody is a 404, not a foreign key's 500.
      if (actor.kind === 'admin') {
        const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
        if (!user) throw notFound('user_not_found', 'No such user.', { user_id: input.userId });
      }
      await assertMayHoldKeys(actor, input.userId, scopes);
      const { key, row } = await db.transaction((transaction) =>
        insertKey(transaction, {
          userId: input.userId,
          name: input.name ?? '',
          scopes,
          actorTag: actor.tag,
          rotatedFromId: null,
        }),
      );
      await dropCached(row.prefix);
      return { key, record: toRecord(row) };
    },

    async list(userId: string): Promise<ApiKeyRecord[]> {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
      return rows.map(toRecord);
    },

    /** Revokes the key at once and issues its successor (same name and scopes) in one transaction. */
    async rotate(actor: KeyActor, keyId: string) {
      const { key, row, old } = await db.transaction(async (transaction) => {
        const existing = await ownedKey(actor, keyId, transaction);
        await assertMayHoldKeys(actor, existing.userId, existing.scopes);
        const revoked = await revokeRow(transaction, existing, actor.tag);
        const issued = await insertKey(transaction, {
          userId: existing.userId,
          name: existing.name,
          scopes: existing.scopes,
          actorTag: actor.tag,
          rotatedFromId: existing.id,
        });
        return { ...issued, old: revoked };
      });
      await forget(old.prefix);
      await dropCached(row.prefix);
      return { key, record: toRecord(row), replaced: toRecord(old) };
    },

    async revoke(actor: KeyActor, keyId: string): Promise<ApiKeyRecord> {
      const revoked = await db.transaction(async (transaction) =>
        revokeRow(transaction, await ownedKey(actor, keyId, transaction), actor.tag),
      );
      await forget(revoked.prefix);
      return toRecord(revoked);
    },

    /** The caller behind a presented key, or undefined for anything unknown, revoked or wrong. */
    async verify(presented: string): Promise<VerifiedApiKey | undefined> {
      const prefix = apiKeyPrefix(presented);
      if (!prefix) return undefined;
      const entry = await lookup(prefix);
      if ('missing' in entry || entry.revoked || !apiKeyMatches(presented, entry.secretHash)) return undefined;
      return { id: entry.id, userId: entry.userId, scopes: entry.scopes };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
