import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { signalQuotaNotices } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { utcDay } from '../entitlements/quota-counters.js';
import type { Clock } from '../ports/clock.js';
import { quotaReachedMessage } from './signal-messages.js';

export type SendQuotaNotice = (input: {
  userId: string;
  planId: string;
  limit: number;
  platform: string;
  externalId: string;
}) => Promise<'sent' | 'duplicate' | 'failed' | 'no_channel'>;

/**
 * The one "quota reached, upgrade" DM per member and UTC day. The (user, day) key is claimed
 * before the send, so the 40 signals a member misses after their tenth produce one message,
 * and a crash mid-send leaves the claim in place (no second notice), as notify.ts does.
 */
export function createQuotaNotice(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  registry: AccessStrategyRegistry;
  catalog: Pick<CatalogService, 'planIndex'>;
  upgradeUrl: (userId: string, planId: string) => Promise<string | undefined>;
}): SendQuotaNotice {
  const { db, clock } = deps;
  return async (input) => {
    const day = utcDay(clock.now());
    const [claimed] = await db
      .insert(signalQuotaNotices)
      .values({ userId: input.userId, day, status: 'sending', createdAt: clock.now() })
      .onConflictDoNothing()
      .returning({ userId: signalQuotaNotices.userId });
    if (!claimed) return 'duplicate';
    const mark = (status: string) =>
      db
        .update(signalQuotaNotices)
        .set({ status })
        .where(and(eq(signalQuotaNotices.userId, input.userId), eq(signalQuotaNotices.day, day)));
    const registered = deps.registry.platform(input.platform);
    if (!registered) {
      await mark('no_channel');
      return 'no_channel';
    }
    try {
      const plans = await deps.catalog.planIndex();
      const upgradeUrl = await deps.upgradeUrl(input.userId, input.planId).catch(() => undefined);
      const message = quotaReachedMessage({
        limit: input.limit,
        planName: plans.get(input.planId)?.name ?? input.planId,
        upgradeUrl,
      });
      await registered.gate.run(() => registered.platform.sendDirectMessage(input.externalId, message));
    } catch (error) {
      await mark('failed');
      deps.logger.warn({ err: error, userId: input.userId }, 'signal quota notice not delivered');
      return 'failed';
    }
    await mark('sent');
    return 'sent';
  };
}
