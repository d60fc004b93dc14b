import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { autotradePositions } from '../../db/schema/index.js';
import type { Broker, BrokerPosition, OrderStatus } from '../ports/broker.js';
import type { Clock } from '../ports/clock.js';
import type { PriceFeed } from '../ports/price-feed.js';
import { fromScaled, priceDecimals, quantityDecimals, toScaled } from './decimal.js';
import { matchPositions } from './match-positions.js';
import { quantityForNotional } from './position-math.js';

const describePosition = (row: typeof autotradePositions.$inferSelect): BrokerPosition => ({
  id: row.id,
  signalId: row.signalId,
  instrument: row.instrument,
  side: row.side as BrokerPosition['side'],
  status: row.status as OrderStatus,
  closeReason: row.closeReason,
  entry: row.entryPrice,
  stop: row.stopPrice,
  targets: row.targetPrices,
  targetsHit: row.targetsHit,
  quantity: row.quantity,
  remainingQuantity: row.remainingQuantity,
  notionalMinor: row.notionalMinor,
  currency: row.currency,
  realisedPnlMinor: row.realisedPnlMinor,
  unrealisedPnlMinor: row.unrealisedPnlMinor,
  lastPrice: row.lastPrice,
  openedAt: row.openedAt,
  closedAt: row.closedAt,
  createdAt: row.createdAt,
});

/**
 * The simulated broker: orders are rows, and `match()` fills them against the price feed
 * (see paper-order-matching.ts for the rules). Nothing leaves the process.
 */
export function createPaperBroker(deps: { db: Database; feed: PriceFeed; clock: Clock; logger: Logger }) {
  const { db } = deps;

  const broker: Broker & { match: (options?: { batchSize?: number }) => ReturnType<typeof matchPositions> } = {
    async placeOrder(order) {
      const entry = toScaled(order.entry, priceDecimals);
      const quantity = fromScaled(quantityForNotional(order.notionalMinor, order.currency, entry), quantityDecimals);
      const now = deps.clock.now();
      const [inserted] = await db
        .insert(autotradePositions)
        .values({
          accountId: order.accountId,
          userId: order.userId,
          signalId: order.signalId,
          instrument: order.instrument,
          side: order.side,
          entryPrice: fromScaled(entry, priceDecimals),
          stopPrice: fromScaled(toScaled(order.stop, priceDecimals), priceDecimals),
          targetPrices: order.targets.map((target) => fromScaled(toScaled(target, priceDecimals), priceDecimals)),
          quantity,
          // Nothing is held until the entry fills.
          remainingQuantity: '0',
          notionalMinor: order.notionalMinor,
          currency: order.currency,
          status: 'pending',
          expiresAt: order.expiresAt,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted) {
        deps.feed.track(order.instrument, order.entry, now);
        return { position: describePosition(inserted), created: true };
      }
      const [existing] = await db
        .select()
        .from(autotradePositions)
        .where(and(eq(autotradePositions.accountId, order.accountId), eq(autotradePositions.signalId, order.signalId)));
      return { position: describePosition(existing!), created: false };
    },

    async cancelPendingOrders(accountId) {
      const canceled = await db
        .update(autotradePositions)
        .set({ status: 'canceled', closeReason: 'canceled', closedAt: deps.clock.now() })
        .where(and(eq(autotradePositions.accountId, accountId), eq(autotradePositions.status, 'pending')))
        .returning({ id: autotradePositions.id });
      return canceled.length;
    },

    async positions(accountId, options = {}) {
      const rows = await db
        .select()
        .from(autotradePositions)
        .where(
          and(
            eq(autotradePositions.accountId, accountId),
            options.active ? inArray(autotradePositions.status, ['pending', 'open']) : undefined,
          ),
        )
        .orderBy(desc(autotradePositions.createdAt))
        .limit(options.limit ?? 50);
      return rows.map(describePosition);
    },

    match: (options) => matchPositions(deps, options),
  };
  return broker;
}

export type PaperBroker = ReturnType<typeof createPaperBroker>;
