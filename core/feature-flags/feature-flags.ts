import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { featureFlags } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { badRequest, notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type RolloutMode, type RolloutState, rolloutIncludes } from './rollout.js';

/** The member billing pages (issue 11): rolled out by this flag while the bots sell as before. */
export const billingPagesFlag = 'billing_pages';
export const featureFlagKeys = [billingPagesFlag] as const;
export type FeatureFlagKey = (typeof featureFlagKeys)[number];

export interface FeatureFlagView {
  key: FeatureFlagKey;
  mode: RolloutMode;
  allow_list: string[];
  percentage: number;
  updated_by: string | null;
  updated_at: string | null;
}

/** A flag nobody set yet is off: a new feature is dark until a moderator turns it on. */
const unset: RolloutState = { mode: 'off', allowList: [], percentage: 0 };
const maxAllowList = 1000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertKnown(key: string): asserts key is FeatureFlagKey {
  if (!(featureFlagKeys as readonly string[]).includes(key))
    throw notFound('feature_flag_not_found', `No feature flag called "${key}".`, { key });
}

/**
 * Rollout switches stored in the database, read on every page view (one primary-key read),
 * so a change applies at once in every process without a restart.
 */
export function createFeatureFlags(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;

  async function read(key: FeatureFlagKey) {
    const [row] = await db.select().from(featureFlags).where(eq(featureFlags.key, key));
    return row;
  }

  async function get(key: string): Promise<FeatureFlagView> {
    assertKnown(key);
    const row = await read(key);
    return {
      key,
      mode: (row?.mode as RolloutMode | undefined) ?? unset.mode,
      allow_list: row?.allowList ?? [],
      percentage: row?.percentage ?? 0,
      updated_by: row?.updatedBy ?? null,
      updated_at: row?.updatedAt.toISOString() ?? null,
    };
  }

  return {
    get,
    list: () => Promise.all(featureFlagKeys.map((key) => get(key))),

    /** Changed by a moderator (audited with who did it, in the same transaction). */
    async set(key: string, state: RolloutState, actor: string): Promise<FeatureFlagView> {
      assertKnown(key);
      if (!Number.isInteger(state.percentage) || state.percentage < 0 || state.percentage > 100)
        throw badRequest('feature_flag_invalid', 'The percentage is a whole number from 0 to 100.');
      const allowList = [...new Set(state.allowList.map((id) => id.trim().toLowerCase()).filter(Boolean))];
      if (allowList.length > maxAllowList)
        throw badRequest('feature_flag_invalid', `The allow-list holds at most ${maxAllowList} user ids.`);
      const notAnId = allowList.find((id) => !uuidPattern.test(id));
      if (notAnId !== undefined)
        throw badRequest('feature_flag_invalid', 'The allow-list holds user ids (UUIDs) only.', { value: notAnId });
      const now = clock.now();
      const values = { mode: state.mode, allowList, percentage: state.percentage, updatedBy: actor, updatedAt: now };
      await db.transaction(async (transaction) => {
        const [before] = await transaction.select().from(featureFlags).where(eq(featureFlags.key, key));
        await transaction
          .insert(featureFlags)
          .values({ key, ...values })
          .onConflictDoUpdate({ target: featureFlags.key, set: values });
        await recordAudit(transaction, {
          actor,
          action: 'feature_flag.changed',
          subjectType: 'feature_flag',
          subjectId: key,
          details: {
            from: before
              ? { mode: before.mode, allow_list: before.allowList, percentage: before.percentage }
              : { mode: unset.mode },
            to: { mode: state.mode, allow_list: allowList, percentage: state.percentage },
          },
        });
      });
      return get(key);
    },

    /**
     * Whether the member billing pages are shown to this member. Only web/ asks: the bots sell
     * whatever the flag says.
     */
    async billingPagesEnabledFor(userId: string | undefined): Promise<boolean> {
      const row = await read(billingPagesFlag);
      const state: RolloutState = row
        ? { mode: row.mode as RolloutMode, allowList: row.allowList, percentage: row.percentage }
        : unset;
      return rolloutIncludes(billingPagesFlag, state, userId?.toLowerCase());
    },
  };
}

export type FeatureFlags = ReturnType<typeof createFeatureFlags>;
