import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import {
  accessAssignments,
  accessFreezes,
  apiKeys,
  auditLog,
  identities,
  manualGrants,
  pendingCodes,
  purchases,
  referralAttributions,
  refreshTokens,
  signalPreferences,
  subscriptions,
  users,
} from '../../db/schema/index.js';
import { AppError, conflict } from '../errors.js';

/** An identity that changed user this recently cannot move again: a stolen code cannot ping-pong it. */
export const relinkCooldownMs = 24 * 3_600_000;
export const identityLinkedAction = 'identity.linked';

export const identitySubject = (identity: { platform: string; externalId: string }) =>
  `${identity.platform}:${identity.externalId}`;

/** The audit row carries the app clock's time, so the relink window follows the same clock as everything else. */
export async function auditAt(
  executor: Executor,
  at: Date,
  entry: { actor: string; action: string; subjectType: string; subjectId: string; details: Record<string, unknown> },
) {
  await executor.insert(auditLog).values({ ...entry, createdAt: at });
}

/** The user a (possibly folded) user lives on as now. */
export async function survivingUserId(executor: Executor, userId: string): Promise<string> {
  let current = userId;
  // Folds flatten chains as they go; the bound only guards against a hand-edited loop.
  for (let hop = 0; hop < 8; hop += 1) {
    const [row] = await executor
      .select({ mergedInto: users.mergedIntoUserId })
      .from(users)
      .where(eq(users.id, current));
    if (!row?.mergedInto) return current;
    current = row.mergedInto;
  }
  return current;
}

/**
 * Facts that stay with a user because provider objects and the ledger point at it:
 * subscriptions, purchases and manual grants, and a moderator's freeze (folding a frozen
 * user away would thaw it).
 */
export async function hasMoneyFacts(executor: Executor, userId: string): Promise<boolean> {
  const checks = [
    executor.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.userId, userId)).limit(1),
    executor.select({ id: purchases.id }).from(purchases).where(eq(purchases.userId, userId)).limit(1),
    executor.select({ id: manualGrants.id }).from(manualGrants).where(eq(manualGrants.userId, userId)).limit(1),
    executor
      .select({ id: accessFreezes.id })
      .from(accessFreezes)
      .where(and(eq(accessFreezes.userId, userId), isNull(accessFreezes.liftedAt)))
      .limit(1),
  ];
  // Sequential: inside a transaction PGlite runs one statement at a time.
  for (const check of checks) if ((await check).length > 0) return true;
  return false;
}

/**
 * Which of two users survives a link: the issuer's, unless only the redeemer's has money
 * facts. Both with money facts is for a moderator to merge by hand.
 */
export async function chooseSurvivor(executor: Executor, issuerUserId: string, redeemerUserId: string) {
  // Locks both users in a fixed order, so two links over the same pair run one after the other.
  await executor
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [issuerUserId, redeemerUserId]))
    .orderBy(users.id)
    .for('update');
  const issuerPays = await hasMoneyFacts(executor, issuerUserId);
  const redeemerPays = await hasMoneyFacts(executor, redeemerUserId);
  if (issuerPays && redeemerPays)
    throw conflict('link_conflict', 'Both accounts have payments or grants; a moderator has to merge them by hand.', {
      user_ids: [issuerUserId, redeemerUserId],
    });
  return redeemerPays
    ? { survivor: redeemerUserId, folded: issuerUserId }
    : { survivor: issuerUserId, folded: redeemerUserId };
}

/** Refuses the move when any of these identities changed user within the cooldown. */
export async function assertMayMove(
  executor: Executor,
  moving: Array<{ platform: string; externalId: string }>,
  now: Date,
) {
  if (moving.length === 0) return;
  const [recent] = await executor
    .select({ subjectId: auditLog.subjectId, at: auditLog.createdAt })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.subjectType, 'identity'),
        eq(auditLog.action, identityLinkedAction),
        inArray(auditLog.subjectId, moving.map(identitySubject)),
        gt(auditLog.createdAt, new Date(now.getTime() - relinkCooldownMs)),
      ),
    )
    .limit(1);
  if (recent)
    throw new AppError(
      'relink_too_soon',
      'This account changed owner less than 24 hours ago; try again later or ask a moderator.',
      {
        status: 429,
        context: {
          identity: recent.subjectId,
          retry_after_seconds: Math.ceil((recent.at.getTime() + relinkCooldownMs - now.getTime()) / 1000),
        },
      },
    );
}

/**
 * Folds `folded` into `survivor`: every identity moves, the folded user points at the
 * survivor (and so do users folded into it before), and what a member carries without
 * paying (email, a pending code, who referred them) follows when the survivor has none.
 * Money facts never move: chooseSurvivor made sure the folded user has none.
 */
export async function foldUser(
  executor: Executor,
  input: { survivor: string; folded: string; now: Date; actor: string; details: Record<string, unknown> },
) {
  const { survivor, folded, now } = input;
  const moving = await executor
    .select({ platform: identities.platform, externalId: identities.externalId })
    .from(identities)
    .where(eq(identities.userId, folded));
  await assertMayMove(executor, moving, now);
  await executor.update(identities).set({ userId: survivor }).where(eq(identities.userId, folded));
  // What the reconciler did for an identity belongs to whoever owns the identity now.
  await executor
    .update(accessAssignments)
    .set({ userId: survivor, updatedAt: now })
    .where(eq(accessAssignments.userId, folded));

  const [foldedUser] = await executor.select().from(users).where(eq(users.id, folded));
  const [survivingUser] = await executor.select().from(users).where(eq(users.id, survivor));
  const email = !survivingUser?.email && foldedUser?.email ? foldedUser.email : undefined;
  // The unique email index sees each statement: free the address before giving it on.
  await executor
    .update(users)
    .set({ mergedIntoUserId: survivor, updatedAt: now, ...(email ? { email: null } : {}) })
    .where(eq(users.id, folded));
  await executor
    .update(users)
    .set({ mergedIntoUserId: survivor, updatedAt: now })
    .where(eq(users.mergedIntoUserId, folded));
  await executor
    .update(users)
    .set({
      updatedAt: now,
      ...(email ? { email } : {}),
      ...(!survivingUser?.displayName && foldedUser?.displayName ? { displayName: foldedUser.displayName } : {}),
    })
    .where(eq(users.id, survivor));

  const [pending] = await executor.select().from(pendingCodes).where(eq(pendingCodes.userId, folded));
  if (pending) {
    await executor
      .insert(pendingCodes)
      .values({ ...pending, userId: survivor })
      .onConflictDoNothing();
    await executor.delete(pendingCodes).where(eq(pendingCodes.userId, folded));
  }
  const [attribution] = await executor
    .select()
    .from(referralAttributions)
    .where(eq(referralAttributions.referredUserId, folded));
  if (attribution && attribution.referrerUserId !== survivor)
    await executor
      .insert(referralAttributions)
      .values({ ...attribution, referredUserId: survivor })
      .onConflictDoNothing();

  const [preference] = await executor.select().from(signalPreferences).where(eq(signalPreferences.userId, folded));
  if (preference) {
    await executor
      .insert(signalPreferences)
      .values({ ...preference, userId: survivor })
      .onConflictDoNothing();
    await executor.delete(signalPreferences).where(eq(signalPreferences.userId, folded));
  }
  // Credentials are the person's: keys keep working for the survivor; sessions of the folded
  // user end, and signing in again lands on the survivor through the moved identities.
  const movedApiKeys = await executor
    .update(apiKeys)
    .set({ userId: survivor })
    .where(eq(apiKeys.userId, folded))
    .returning({ prefix: apiKeys.prefix });
  await executor
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.userId, folded), isNull(refreshTokens.revokedAt)));

  for (const identity of moving)
    await auditAt(executor, now, {
      actor: input.actor,
      action: identityLinkedAction,
      subjectType: 'identity',
      subjectId: identitySubject(identity),
      details: { ...input.details, from_user_id: folded, to_user_id: survivor },
    });
  await auditAt(executor, now, {
    actor: input.actor,
    action: 'user.merged',
    subjectType: 'user',
    subjectId: folded,
    details: { ...input.details, into_user_id: survivor, moved_identities: moving.map(identitySubject) },
  });
  return { moved: moving, movedApiKeyPrefixes: movedApiKeys.map((key) => key.prefix) };
}
