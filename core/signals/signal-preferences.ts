import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { signalChannels, signalPreferences } from '../../db/schema/index.js';
import { badRequest } from '../errors.js';
import { chatPlatformNames } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';

export interface SignalPreference {
  enabled: boolean;
  mode: 'dm' | 'channel';
}

/** A member who never chose gets signals by DM. */
export const defaultPreference: SignalPreference = { enabled: true, mode: 'dm' };

/** /signals on|off|dm|channel, and the tier channels moderators point signals at. */
export function createSignalSettings(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async preference(userId: string): Promise<SignalPreference> {
      const [row] = await db.select().from(signalPreferences).where(eq(signalPreferences.userId, userId));
      return row ? { enabled: row.enabled, mode: row.mode === 'channel' ? 'channel' : 'dm' } : defaultPreference;
    },

    async setPreference(userId: string, change: Partial<SignalPreference>): Promise<SignalPreference> {
      const current = await this.preference(userId);
      const next = { ...current, ...change };
      await db
        .insert(signalPreferences)
        .values({ userId, ...next, updatedAt: clock.now() })
        .onConflictDoUpdate({ target: signalPreferences.userId, set: { ...next, updatedAt: clock.now() } });
      return next;
    },

    listChannels: () => db.select().from(signalChannels).orderBy(signalChannels.planId, signalChannels.platform),

    async setChannel(input: { planId: string; platform: string; channelId: string }) {
      if (!(chatPlatformNames as readonly string[]).includes(input.platform))
        throw badRequest('unknown_platform', `Platform must be one of ${chatPlatformNames.join(', ')}.`);
      const channelId = input.channelId.trim();
      if (!channelId) throw badRequest('channel_id_required', 'Give the channel id.');
      await db
        .insert(signalChannels)
        .values({ planId: input.planId, platform: input.platform, channelId, updatedAt: clock.now() })
        .onConflictDoUpdate({
          target: [signalChannels.planId, signalChannels.platform],
          set: { channelId, updatedAt: clock.now() },
        });
    },

    async removeChannel(planId: string, platform: string): Promise<boolean> {
      const removed = await db
        .delete(signalChannels)
        .where(and(eq(signalChannels.planId, planId), eq(signalChannels.platform, platform)))
        .returning({ planId: signalChannels.planId });
      return removed.length > 0;
    },
  };
}

export type SignalSettings = ReturnType<typeof createSignalSettings>;
