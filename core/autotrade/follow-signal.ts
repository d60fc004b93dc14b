import { and, asc, eq, gt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { autotradeAccounts, autotradeFollowedSignals } from '../../db/schema/index.js';
import type { EntitlementService } from '../entitlements/entitlement-service.js';
import type { Clock } from '../ports/clock.js';
import type { PublishedSignal } from '../signals/published-signal.js';
import { autotradeFeature } from './autotrade-accounts.js';
import { fromScaled, priceDecimals, toScaled } from './decimal.js';
import type { PaperBroker } from './paper-broker.js';
import { tradeableTargets } from './paper-order-matching.js';

const batchSize = 500;

/**
 * Places one order per enabled account whose plan still includes the sandbox (a member who
 * downgraded keeps the account but stops following). Idempotent: the broker keeps one order
 * per (account, signal), so a listener run twice places nothing twice. Done is recorded last,
 * so a run that died halfway is finished by the sweeper.
 */
export async function followSignal(
  deps: {
    db: Database;
    clock: Clock;
    broker: PaperBroker;
    entitlements: Pick<EntitlementService, 'get'>;
    logger: Logger;
    orderTtlMs: number;
  },
  signal: PublishedSignal,
): Promise<{ placed: number }> {
  const targets = (() => {
    try {
      return tradeableTargets(
        signal.side,
        toScaled(signal.entry, priceDecimals),
        toScaled(signal.stop, priceDecimals),
        signal.targets.map((target) => toScaled(target, priceDecimals)),
      );
    } catch {
      // More decimals than the paper broker keeps, or not a number: not tradeable here.
      return undefined;
    }
  })();
  if (!targets) {
    deps.logger.warn({ signalId: signal.id }, 'autotrade skipped a signal whose levels cannot be traded');
    await recordFollowed(deps, signal.id, 0);
    return { placed: 0 };
  }
  const expiresAt = new Date(signal.publishedAt.getTime() + deps.orderTtlMs);
  let placed = 0;
  let afterId: string | undefined;
  for (;;) {
    const accounts = await deps.db
      .select()
      .from(autotradeAccounts)
      .where(and(eq(autotradeAccounts.enabled, true), afterId ? gt(autotradeAccounts.id, afterId) : undefined))
      .orderBy(asc(autotradeAccounts.id))
      .limit(batchSize);
    for (const account of accounts) {
      const view = await deps.entitlements.get(account.userId);
      if (!view.features.includes(autotradeFeature)) continue;
      const { created } = await deps.broker.placeOrder({
        accountId: account.id,
        userId: account.userId,
        signalId: signal.id,
        instrument: signal.instrument,
        side: signal.side,
        entry: signal.entry,
        stop: signal.stop,
        targets: targets.map((target) => fromScaled(target, priceDecimals)),
        notionalMinor: account.positionNotionalMinor,
        currency: account.currency,
        expiresAt,
      });
      if (created) placed += 1;
    }
    if (accounts.length < batchSize) break;
    afterId = accounts.at(-1)!.id;
  }
  await recordFollowed(deps, signal.id, placed);
  return { placed };
}

async function recordFollowed(deps: { db: Database; clock: Clock }, signalId: string, ordersPlaced: number) {
  await deps.db
    .insert(autotradeFollowedSignals)
    .values({ signalId, ordersPlaced, followedAt: deps.clock.now() })
    .onConflictDoNothing();
}
