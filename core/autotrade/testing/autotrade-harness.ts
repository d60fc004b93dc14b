import { randomUUID } from 'node:crypto';
import type { PublishedSignal } from '../../signals/published-signal.js';
import type { TestApp } from '../../testing/test-core.js';
import { createAutotradeService } from '../autotrade-service.js';
import { createScriptedPriceFeed } from '../scripted-price-feed.js';

export const testSettings = {
  startingBalanceMinor: 1_000_000,
  positionNotionalMinor: 100_000,
  currency: 'usd',
  orderTtlMs: 24 * 3_600_000,
  reportHourUtc: 9,
};

/**
 * Test-only: the real autotrade service on the test app's database, entitlements and
 * notifier, priced by a scripted feed the test writes, plus members on a given plan.
 */
export function autotradeHarness(test: TestApp) {
  const feed = createScriptedPriceFeed({ clock: test.clock });
  const autotrade = createAutotradeService({
    db: test.core.db,
    clock: test.clock,
    logger: test.core.logger,
    queue: test.core.queue,
    feed,
    entitlements: test.core.entitlements,
    catalog: test.core.catalog,
    notify: test.core.notifications.notify,
    settings: testSettings,
  });
  let members = 0;

  return {
    feed,
    autotrade,
    /** A member on `planId` (a moderator grant), optionally with a Discord identity for DMs. */
    async member(planId: string, options: { discordId?: string } = {}) {
      members += 1;
      const { id } = await test.createUser(
        options.discordId
          ? { platform: 'discord', external_id: options.discordId }
          : { email: `trader${members}-${randomUUID().slice(0, 8)}@example.com` },
      );
      if (planId !== 'free')
        await test.core.grants.grant({ userId: id, planId, days: 365, expiresAt: null, reason: 'test' }, 'test');
      return id;
    },
    signal(fields: Pick<PublishedSignal, 'instrument' | 'side' | 'entry' | 'stop' | 'targets'>): PublishedSignal {
      return {
        id: randomUUID(),
        sequence: 1,
        note: null,
        publishedAt: test.clock.now(),
        hash: '0'.repeat(64),
        ...fields,
      };
    },
    /** Writes the path one minute apart from now on, each tick then matched as the cron would. */
    async play(instrument: string, prices: string[], options: { matchEachTick?: boolean } = {}) {
      const start = test.clock.now().getTime();
      feed.script(
        instrument,
        prices.map((price, index) => ({ at: new Date(start + (index + 1) * 60_000), price })),
      );
      for (let index = 0; index < prices.length; index += 1) {
        test.clock.advance(60_000);
        if (options.matchEachTick !== false) await autotrade.matchPositions();
      }
      if (options.matchEachTick === false) await autotrade.matchPositions();
    },
  };
}
