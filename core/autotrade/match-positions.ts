import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Transaction } from '../../db/client.js';
import { autotradeAccounts, autotradeFills, autotradePositions } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import type { PriceFeed, PriceTick } from '../ports/price-feed.js';
import { fromScaled, priceDecimals, quantityDecimals, toScaled } from './decimal.js';
import { expireIfDue, type MatchedFill, type MatchingState, matchTick } from './paper-order-matching.js';
import { pnlMinor } from './position-math.js';

type PositionRow = typeof autotradePositions.$inferSelect;

const activeStatuses = ['pending', 'open'];

const stateOf = (row: PositionRow): MatchingState => ({
  side: row.side as MatchingState['side'],
  currency: row.currency,
  entry: toScaled(row.entryPrice, priceDecimals),
  stop: toScaled(row.stopPrice, priceDecimals),
  targets: row.targetPrices.map((target) => toScaled(target, priceDecimals)),
  quantity: toScaled(row.quantity, quantityDecimals),
  remaining: toScaled(row.remainingQuantity, quantityDecimals),
  targetsHit: row.targetsHit,
  status: row.status as MatchingState['status'],
  closeReason: row.closeReason as MatchingState['closeReason'],
  expiresAt: row.expiresAt,
});

const cursorOf = (row: Pick<PositionRow, 'lastTickAt' | 'createdAt'>) => row.lastTickAt ?? row.createdAt;

/**
 * The paper broker's matching run: every pending order and open position against the ticks
 * the feed saw since that position last looked. Each position moves in its own transaction
 * under a row lock, and a fill moves the balance only when its (account, signal, leg) row is
 * new, so two runs at once, a crash before the cursor was saved, or the same tick served
 * twice never fill anything twice.
 */
export async function matchPositions(
  deps: { db: Database; feed: PriceFeed; clock: Clock; logger: Logger },
  options: { batchSize?: number } = {},
): Promise<{ positions: number; fills: number }> {
  const totals = { positions: 0, fills: 0 };
  let afterId: string | undefined;
  for (;;) {
    const rows = await deps.db
      .select()
      .from(autotradePositions)
      .where(
        and(
          inArray(autotradePositions.status, activeStatuses),
          afterId ? gt(autotradePositions.id, afterId) : undefined,
        ),
      )
      .orderBy(asc(autotradePositions.id))
      .limit(options.batchSize ?? 500);
    if (rows.length === 0) break;
    totals.positions += rows.length;
    totals.fills += await matchBatch(deps, rows);
    afterId = rows.at(-1)!.id;
  }
  return totals;
}

/** One feed read per instrument for the whole batch, from the oldest cursor among its positions. */
async function matchBatch(deps: { db: Database; feed: PriceFeed; clock: Clock; logger: Logger }, rows: PositionRow[]) {
  const ticksByInstrument = new Map<string, PriceTick[]>();
  for (const row of [...rows].sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime()))
    deps.feed.track(row.instrument, row.entryPrice, row.createdAt);
  for (const instrument of new Set(rows.map((row) => row.instrument))) {
    const cursors = rows.filter((row) => row.instrument === instrument).map(cursorOf);
    const since = cursors.reduce((earliest, cursor) => (cursor < earliest ? cursor : earliest));
    ticksByInstrument.set(instrument, await deps.feed.ticksSince(instrument, since));
  }
  let fills = 0;
  for (const row of rows) {
    try {
      fills += await deps.db.transaction((transaction) =>
        matchOne(transaction, row.id, ticksByInstrument.get(row.instrument) ?? [], deps.clock.now()),
      );
    } catch (error) {
      // One position that cannot be matched (bad stored levels) must not stall the others.
      deps.logger.error({ err: error, positionId: row.id }, 'autotrade position not matched');
    }
  }
  return fills;
}

async function matchOne(transaction: Transaction, positionId: string, ticks: PriceTick[], now: Date) {
  const [row] = await transaction
    .select()
    .from(autotradePositions)
    .where(and(eq(autotradePositions.id, positionId), inArray(autotradePositions.status, activeStatuses)))
    .for('update');
  if (!row) return 0;
  const cursor = cursorOf(row);
  let state = stateOf(row);
  const matched: MatchedFill[] = [];
  let lastTick: PriceTick | undefined;
  for (const tick of ticks) {
    if (tick.at <= cursor) continue;
    if (state.status !== 'pending' && state.status !== 'open') break;
    const result = matchTick(state, { price: toScaled(tick.price, priceDecimals), at: tick.at });
    state = result.state;
    matched.push(...result.fills);
    lastTick = tick;
  }
  state = expireIfDue(state, now);

  let realisedNow = 0;
  let recorded = 0;
  for (const fill of matched) {
    const [inserted] = await transaction
      .insert(autotradeFills)
      .values({
        positionId: row.id,
        accountId: row.accountId,
        signalId: row.signalId,
        leg: fill.leg,
        price: fromScaled(fill.price, priceDecimals),
        quantity: fromScaled(fill.quantity, quantityDecimals),
        realisedPnlMinor: fill.realisedPnlMinor,
        currency: row.currency,
        filledAt: fill.at,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: autotradeFills.id });
    if (!inserted) continue;
    recorded += 1;
    realisedNow += fill.realisedPnlMinor;
  }
  if (realisedNow !== 0)
    await transaction
      .update(autotradeAccounts)
      .set({
        balanceMinor: sql`${autotradeAccounts.balanceMinor} + ${realisedNow}`,
        realisedPnlMinor: sql`${autotradeAccounts.realisedPnlMinor} + ${realisedNow}`,
      })
      .where(eq(autotradeAccounts.id, row.accountId));

  const markPrice = lastTick?.price ?? row.lastPrice;
  const unrealisedPnlMinor =
    state.status === 'open' && markPrice
      ? pnlMinor(state.side, state.entry, toScaled(markPrice, priceDecimals), state.remaining, state.currency)
      : 0;
  const entryFill = matched.find((fill) => fill.leg === 'entry');
  const finished = state.status === 'closed' || state.status === 'expired';
  await transaction
    .update(autotradePositions)
    .set({
      status: state.status,
      closeReason: state.closeReason,
      remainingQuantity: fromScaled(state.remaining, quantityDecimals),
      targetsHit: state.targetsHit,
      realisedPnlMinor: sql`${autotradePositions.realisedPnlMinor} + ${realisedNow}`,
      unrealisedPnlMinor,
      ...(lastTick ? { lastTickAt: lastTick.at, lastPrice: lastTick.price } : {}),
      ...(entryFill && !row.openedAt ? { openedAt: entryFill.at } : {}),
      ...(finished && !row.closedAt ? { closedAt: matched.at(-1)?.at ?? now } : {}),
    })
    .where(eq(autotradePositions.id, row.id));
  return recorded;
}
