import { and, asc, desc, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { entitlements, identities, signalPreferences, users } from '../../db/schema/index.js';

export interface SignalRecipient {
  userId: string;
  platform: string;
  externalId: string;
  /** The stored entitlement, or null when the member has never had one computed. */
  tier: string | null;
  quotas: Record<string, number> | null;
  recheckAt: Date | null;
  enabled: boolean;
  mode: 'dm' | 'channel';
}

/**
 * One page of members reachable on a registered platform, in user id order after `afterUserId`:
 * each with the chat account they used most recently (where a DM reaches them, as in
 * core/notifications/notify.ts), their stored entitlement and their /signals choice.
 */
export async function recipientPage(
  db: Database,
  input: { platforms: string[]; afterUserId: string | null; limit: number },
): Promise<SignalRecipient[]> {
  if (input.platforms.length === 0) return [];
  const rows = await db
    .selectDistinctOn([identities.userId], {
      userId: identities.userId,
      platform: identities.platform,
      externalId: identities.externalId,
      tier: entitlements.tier,
      quotas: entitlements.quotas,
      recheckAt: entitlements.recheckAt,
      enabled: signalPreferences.enabled,
      mode: signalPreferences.mode,
    })
    .from(identities)
    .innerJoin(users, sql`${users.id} = ${identities.userId}`)
    .leftJoin(entitlements, sql`${entitlements.userId} = ${identities.userId}`)
    .leftJoin(signalPreferences, sql`${signalPreferences.userId} = ${identities.userId}`)
    .where(
      and(
        inArray(identities.platform, input.platforms),
        isNull(users.mergedIntoUserId),
        input.afterUserId ? gt(identities.userId, input.afterUserId) : undefined,
      ),
    )
    .orderBy(asc(identities.userId), sql`${identities.lastSeenAt} desc nulls last`, desc(identities.createdAt))
    .limit(input.limit);
  return rows.map((row) => ({
    userId: row.userId,
    platform: row.platform,
    externalId: row.externalId,
    tier: row.tier,
    quotas: row.quotas,
    recheckAt: row.recheckAt,
    enabled: row.enabled ?? true,
    mode: row.mode === 'channel' ? 'channel' : 'dm',
  }));
}
