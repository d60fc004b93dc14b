import { createHmac } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client.js';
import { identities, linkCodes, users } from '../../db/schema/index.js';
import { apiKeyCacheNamespace } from '../api-keys/api-key-service.js';
import { type EntitlementService, entitlementsChangedJob } from '../entitlements/entitlement-service.js';
import { AppError, badRequest, notFound } from '../errors.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { Queue } from '../ports/queue.js';
import {
  auditAt,
  chooseSurvivor,
  foldUser,
  identityLinkedAction,
  identitySubject,
  survivingUserId,
} from './fold-users.js';
import { normalizeUnambiguous, randomUnambiguous } from './unambiguous-code.js';
import type { Platform } from './user-service.js';

/**
 * 8 symbols of 31: about 2^39.6 codes. A code lives LINK_CODE_TTL_MINUTES, works once, and
 * each identity gets 5 wrong tries per 15 minutes, so guessing a live code is hopeless.
 */
const codeLength = 8;
const failureWindowSeconds = 15 * 60;
const maxFailures = 5;
const failureNamespace = 'link-code-failures';

export interface LinkIdentity {
  platform: Platform;
  externalId: string;
  username?: string | undefined;
}

export interface RedeemOutcome {
  userId: string;
  linked: boolean;
  mergedUserId?: string;
}

/** One answer for a wrong, expired or used code, so a guesser learns nothing from it. */
const codeInvalid = () =>
  badRequest('link_code_invalid', 'This code is not valid: it may be mistyped, expired or already used.');

/**
 * /link: one-time codes that join a platform identity to the member who asked for the code,
 * so one person has one user and one entitlement set everywhere. Only a keyed hash of each
 * code is stored; every link is audited; re-linking is rate-limited.
 */
export function createLinkCodes(deps: {
  db: Database;
  cache: Cache;
  clock: Clock;
  queue: Queue;
  entitlements: EntitlementService;
  /** Keys the code hash: a database reader cannot try every code offline. */
  secret: Buffer;
  ttlMinutes: number;
}) {
  const { db, cache, clock } = deps;
  const hashCode = (canonical: string) =>
    createHmac('sha256', deps.secret).update(`link-code:${canonical}`).digest('hex');
  const display = (canonical: string) => `${canonical.slice(0, 4)}-${canonical.slice(4)}`;
  const actorOf = (identity: LinkIdentity) => identitySubject(identity);

  async function redeemIn(transaction: Transaction, identity: LinkIdentity, codeHash: string) {
    const now = clock.now();
    const [code] = await transaction.select().from(linkCodes).where(eq(linkCodes.codeHash, codeHash)).for('update');
    if (!code || code.consumedAt || code.expiresAt <= now) throw codeInvalid();
    if (code.issuedPlatform === identity.platform && code.issuedExternalId === identity.externalId)
      throw badRequest('link_same_account', 'Enter this code on your other platform, not where you got it.');
    // The issuing identity's user as of now (it may have been linked elsewhere since).
    const [issuer] = await transaction
      .select({ userId: identities.userId })
      .from(identities)
      .where(and(eq(identities.platform, code.issuedPlatform), eq(identities.externalId, code.issuedExternalId)));
    const issuerUserId = await survivingUserId(transaction, issuer?.userId ?? code.userId);
    const [redeemer] = await transaction
      .select()
      .from(identities)
      .where(and(eq(identities.platform, identity.platform), eq(identities.externalId, identity.externalId)))
      .for('update');
    const details = {
      link_code_id: code.id,
      issued_on: identitySubject({ platform: code.issuedPlatform, externalId: code.issuedExternalId }),
    };

    let outcome: RedeemOutcome;
    let touched: string[] = [];
    let movedApiKeyPrefixes: string[] = [];
    if (!redeemer) {
      await transaction.insert(identities).values({
        userId: issuerUserId,
        platform: identity.platform,
        externalId: identity.externalId,
        username: identity.username,
        createdAt: now,
      });
      await auditAt(transaction, now, {
        actor: actorOf(identity),
        action: identityLinkedAction,
        subjectType: 'identity',
        subjectId: identitySubject(identity),
        details: { ...details, from_user_id: null, to_user_id: issuerUserId },
      });
      outcome = { userId: issuerUserId, linked: true };
      touched = [issuerUserId];
    } else if (redeemer.userId === issuerUserId) {
      outcome = { userId: issuerUserId, linked: false };
    } else {
      const { survivor, folded } = await chooseSurvivor(transaction, issuerUserId, redeemer.userId);
      const fold = await foldUser(transaction, { survivor, folded, now, actor: actorOf(identity), details });
      movedApiKeyPrefixes = fold.movedApiKeyPrefixes;
      outcome = { userId: survivor, linked: true, mergedUserId: folded };
      touched = [survivor, folded];
    }
    if (identity.username !== undefined && redeemer && redeemer.username !== identity.username)
      await transaction.update(identities).set({ username: identity.username }).where(eq(identities.id, redeemer.id));
    await transaction
      .update(linkCodes)
      .set({ consumedAt: now, consumedPlatform: identity.platform, consumedExternalId: identity.externalId })
      .where(eq(linkCodes.id, code.id));
    return { value: { outcome, codeId: code.id, movedApiKeyPrefixes }, userIds: touched };
  }

  /**
   * The surviving user's entitlements rarely change when an identity joins, so the recompute
   * publishes nothing; access sync must still run to grant the new identity its access.
   */
  async function nudgeAccessSync(userId: string, version: number, codeId: string) {
    await deps.queue.enqueue(
      entitlementsChangedJob,
      { userId, version },
      { jobId: `entitlements-changed-${userId}-v${version}-link-${codeId}` },
    );
  }

  return {
    /**
     * A code for the member behind `identity` to enter on another platform. Issuing a new
     * code retires the identity's earlier ones, so at most one is live per identity.
     */
    async issueCode(identity: LinkIdentity, userId: string): Promise<{ code: string; expiresAt: Date }> {
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw notFound('user_not_found', `No user with id "${userId}".`, { user_id: userId });
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + deps.ttlMinutes * 60_000);
      await db
        .update(linkCodes)
        .set({ expiresAt: now })
        .where(
          and(
            eq(linkCodes.issuedPlatform, identity.platform),
            eq(linkCodes.issuedExternalId, identity.externalId),
            isNull(linkCodes.consumedAt),
            gt(linkCodes.expiresAt, now),
          ),
        );
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const canonical = randomUnambiguous(codeLength);
        // The unique hash index refuses the rare repeat of an old code: draw again.
        const inserted = await db
          .insert(linkCodes)
          .values({
            codeHash: hashCode(canonical),
            userId,
            issuedPlatform: identity.platform,
            issuedExternalId: identity.externalId,
            expiresAt,
            createdAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: linkCodes.id });
        if (inserted.length) return { code: display(canonical), expiresAt };
      }
      throw new AppError('link_code_unavailable', 'Could not make a link code; try again.', {
        status: 503,
        retryable: true,
      });
    },

    /**
     * Joins `identity` to the user who issued `code`. When only the redeeming side has money
     * facts, the fold goes the other way (the user with money survives); both sides with
     * money facts is `link_conflict`. Entitlements of both users are recomputed in the same
     * transaction, so access sync follows.
     */
    async redeemCode(identity: LinkIdentity, code: string): Promise<RedeemOutcome> {
      const limiterKey = identitySubject(identity);
      // Counted before the attempt, atomically, so parallel guesses cannot all slip under the
      // limit; an attempt that was not a wrong guess gives its slot back below.
      const attempts = await cache.incr(failureNamespace, limiterKey, 1, failureWindowSeconds);
      if (attempts > maxFailures)
        throw new AppError('link_rate_limited', 'Too many wrong codes; wait 15 minutes and try again.', {
          status: 429,
          context: { retry_after_seconds: failureWindowSeconds },
        });
      const canonical = normalizeUnambiguous(code, codeLength);
      if (!canonical) throw codeInvalid();
      try {
        const { value, views } = await deps.entitlements.commitAndRecompute((transaction) =>
          redeemIn(transaction, identity, hashCode(canonical)),
        );
        await cache.incr(failureNamespace, limiterKey, -1, failureWindowSeconds);
        // Every process forgets which user a moved key belonged to.
        for (const prefix of value.movedApiKeyPrefixes) await cache.delete(apiKeyCacheNamespace, prefix);
        const survivor = views.get(value.outcome.userId);
        if (value.outcome.linked && survivor) await nudgeAccessSync(survivor.user_id, survivor.version, value.codeId);
        return value.outcome;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'link_code_invalid'))
          await cache.incr(failureNamespace, limiterKey, -1, failureWindowSeconds);
        throw error;
      }
    },
  };
}

export type LinkCodes = ReturnType<typeof createLinkCodes>;
