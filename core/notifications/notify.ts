import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { identities, notifications } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { DirectMessage } from '../ports/chat-platform.js';
import { isPlatformError } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationKind } from './access-transition.js';

export type NotifyResult = 'sent' | 'duplicate' | 'failed' | 'no_channel';

/**
 * Sends a DM at most once per dedupe key. The row is claimed before the send: a second
 * caller finds it and skips, and only a `failed` row can be claimed again, so a key never
 * produces two delivered DMs (a crash mid-send leaves `sending`, which is never retried).
 */
export function createNotifier(deps: { db: Database; registry: AccessStrategyRegistry; clock: Clock; logger: Logger }) {
  const { db, registry, clock, logger } = deps;

  async function claim(userId: string, kind: NotificationKind, dedupeKey: string) {
    const [inserted] = await db
      .insert(notifications)
      .values({ dedupeKey, userId, kind, status: 'sending' })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (inserted) return inserted.id;
    const [reclaimed] = await db
      .update(notifications)
      .set({ status: 'sending', errorCode: null })
      .where(and(eq(notifications.dedupeKey, dedupeKey), eq(notifications.status, 'failed')))
      .returning({ id: notifications.id });
    return reclaimed?.id;
  }

  /** The member's chat account on a registered platform they used most recently. */
  async function channelOf(userId: string) {
    const platforms = registry.names();
    if (platforms.length === 0) return undefined;
    const [identity] = await db
      .select({ platform: identities.platform, externalId: identities.externalId })
      .from(identities)
      .where(and(eq(identities.userId, userId), inArray(identities.platform, platforms)))
      .orderBy(sql`${identities.lastSeenAt} desc nulls last`, desc(identities.createdAt))
      .limit(1);
    return identity;
  }

  return async function notify(
    userId: string,
    kind: NotificationKind,
    dedupeKey: string,
    message: DirectMessage,
  ): Promise<NotifyResult> {
    const id = await claim(userId, kind, dedupeKey);
    if (!id) return 'duplicate';
    const channel = await channelOf(userId);
    const registered = channel && registry.platform(channel.platform);
    if (!channel || !registered) {
      await db.update(notifications).set({ status: 'no_channel' }).where(eq(notifications.id, id));
      return 'no_channel';
    }
    const target = { platform: channel.platform, externalId: channel.externalId };
    try {
      await registered.gate.run(() => registered.platform.sendDirectMessage(channel.externalId, message));
    } catch (error) {
      const errorCode = isPlatformError(error) ? error.code : 'notification_send_failed';
      await db
        .update(notifications)
        .set({ status: 'failed', errorCode, ...target })
        .where(eq(notifications.id, id));
      logger.warn({ err: error, userId, kind, dedupeKey, ...target }, 'notification not delivered');
      return 'failed';
    }
    await db
      .update(notifications)
      .set({ status: 'sent', sentAt: clock.now(), ...target })
      .where(eq(notifications.id, id));
    return 'sent';
  };
}

export type Notify = ReturnType<typeof createNotifier>;
