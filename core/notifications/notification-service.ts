import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { notificationState, notifications } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { EntitlementService, EntitlementView } from '../entitlements/entitlement-service.js';
import type { DirectMessage } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import { accessTransition, type NotificationKind } from './access-transition.js';
import { messages } from './notification-messages.js';
import { createNotifier } from './notify.js';
import { sendReceipts } from './receipts.js';
import { sendRenewalReminders } from './renewal-reminders.js';

/** DMs to members about their money and access, each under a unique key so none is sent twice. */
export function createNotificationService(deps: {
  db: Database;
  registry: AccessStrategyRegistry;
  entitlements: Pick<EntitlementService, 'get'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  clock: Clock;
  logger: Logger;
  /** Where a member fixes a payment or manages the subscription. */
  manageUrl: (userId: string) => Promise<string>;
  reminderDays: number;
}) {
  const { db, clock } = deps;
  const notify = createNotifier({ db, registry: deps.registry, clock, logger: deps.logger });
  const planNames = async () =>
    new Map([...(await deps.catalog.planIndex()).values()].map((plan) => [plan.id, plan.name]));

  async function transitionMessage(kind: NotificationKind, view: EntitlementView): Promise<DirectMessage> {
    const planName = (await planNames()).get(view.tier) ?? view.tier;
    switch (kind) {
      case 'payment_failed':
        return messages.paymentFailed(planName, view.explanation, await deps.manageUrl(view.user_id));
      case 'access_ending':
        return messages.accessEnding(
          planName,
          view.expires_at ? new Date(view.expires_at) : null,
          await deps.manageUrl(view.user_id),
        );
      case 'access_revoked':
        return messages.accessRevoked(view.explanation);
      default:
        return messages.accessGranted(planName, view.explanation);
    }
  }

  /**
   * Compares the member's current entitlement with what they were last told about and sends
   * the DM the difference deserves, keyed by the entitlement version: a change delivered twice,
   * or two changes handled at once, send one DM. Then any receipt the member is owed.
   */
  async function entitlementsChanged(change: { userId: string }) {
    const view = await deps.entitlements.get(change.userId);
    const [told] = await db.select().from(notificationState).where(eq(notificationState.userId, change.userId));
    if (!told || told.entitlementVersion < view.version) {
      const kind = accessTransition(told, view);
      if (kind)
        await notify(
          change.userId,
          kind,
          `access:${change.userId}:v${view.version}`,
          await transitionMessage(kind, view),
        );
      const state = { tier: view.tier, status: view.status, entitlementVersion: view.version, updatedAt: clock.now() };
      await db
        .insert(notificationState)
        .values({ userId: change.userId, ...state })
        .onConflictDoUpdate({
          target: notificationState.userId,
          set: state,
          // Two jobs racing: the newer version wins, whichever finishes last.
          setWhere: sql`${notificationState.entitlementVersion} < excluded.entitlement_version`,
        });
    }
    await sendReceipts({ db, clock, notify, planNames }, { userId: change.userId });
  }

  return {
    notify,
    entitlementsChanged,
    sweepReceipts: () => sendReceipts({ db, clock, notify, planNames }),
    sendRenewalReminders: () =>
      sendRenewalReminders({
        db,
        clock,
        notify,
        planNames,
        manageUrl: deps.manageUrl,
        reminderDays: deps.reminderDays,
      }),
    /** A member's notifications, newest first (moderator lookup, tests). */
    listFor: (userId: string) =>
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, userId))
        .orderBy(sql`${notifications.createdAt} desc`),
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
