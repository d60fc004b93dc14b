import { randomUUID } from 'node:crypto';
import type { Executor } from '../../db/client.js';
import { funnelEvents } from '../../db/schema/index.js';

export const funnelStages = ['tiers_viewed', 'pricing_viewed', 'checkout_opened', 'checkout_completed'] as const;
export type FunnelStage = (typeof funnelStages)[number];

export const funnelPlatforms = ['discord', 'telegram', 'slack', 'web', 'console'] as const;
export type FunnelPlatform = (typeof funnelPlatforms)[number];

export interface FunnelEvent {
  event: FunnelStage;
  platform: FunnelPlatform;
  userId?: string | null | undefined;
  planId?: string | null | undefined;
  businessKey: string;
  occurredAt: Date;
}

/** Any other value (an old checkout, an unknown caller) is counted as the web, where the API lives. */
export const funnelPlatformOf = (source: string | null | undefined): FunnelPlatform =>
  (funnelPlatforms as readonly string[]).includes(source ?? '') ? (source as FunnelPlatform) : 'web';

/** A checkout is counted once per stage however often its creation or its webhook is retried. */
export const checkoutFunnelKey = (stage: 'checkout_opened' | 'checkout_completed', checkoutId: string) =>
  `${stage}:${checkoutId}`;

/**
 * A known member viewing the plans counts once per platform and UTC day: running /tiers three
 * times is one interested member, not three. Anonymous views count each time unless the
 * caller names the visitor (a session id).
 */
export function viewFunnelKey(
  stage: 'tiers_viewed' | 'pricing_viewed',
  platform: FunnelPlatform,
  viewer: string | null | undefined,
  at: Date,
) {
  const day = at.toISOString().slice(0, 10);
  return viewer ? `${stage}:${platform}:${viewer}:${day}` : `${stage}:${platform}:anonymous:${randomUUID()}`;
}

/** Inside the caller's transaction when there is one: the step exists exactly when its cause does. */
export async function recordFunnelEvent(executor: Executor, entry: FunnelEvent): Promise<void> {
  await executor
    .insert(funnelEvents)
    .values({
      event: entry.event,
      platform: entry.platform,
      userId: entry.userId ?? null,
      planId: entry.planId ?? null,
      businessKey: entry.businessKey,
      occurredAt: entry.occurredAt,
    })
    .onConflictDoNothing({ target: funnelEvents.businessKey });
}
