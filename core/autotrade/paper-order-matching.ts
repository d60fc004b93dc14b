import { pnlMinor, type TradeSide, targetParts } from './position-math.js';

/** A paper position between ticks: all prices and quantities scaled (see decimal.ts). */
export interface MatchingState {
  side: TradeSide;
  currency: string;
  entry: bigint;
  stop: bigint;
  targets: bigint[];
  quantity: bigint;
  remaining: bigint;
  targetsHit: number;
  status: 'pending' | 'open' | 'closed' | 'expired';
  closeReason: 'stop' | 'targets' | 'expired' | null;
  expiresAt: Date;
}

export interface MatchedFill {
  leg: string;
  price: bigint;
  quantity: bigint;
  realisedPnlMinor: number;
  at: Date;
}

export interface MatchingTick {
  price: bigint;
  at: Date;
}

const touches = (side: TradeSide, price: bigint, level: bigint, direction: 'against' | 'with') =>
  (side === 'long') === (direction === 'against') ? price <= level : price >= level;

/**
 * The paper broker's matching rules, one tick at a time:
 * - The entry is a limit order: a long fills when the price is at or below the entry, a short
 *   at or above it, at the entry price. An order not filled by `expiresAt` expires unfilled.
 * - The stop becomes a market order when touched (a long at or below it): it closes all that
 *   remains at the tick's price, so a gap through the stop costs more than the stop.
 * - Targets are limit orders closing equal parts (the last one what remains), at their price,
 *   nearest first. The stop stays where the signal put it after a target.
 * - On the tick that fills the entry the stop and targets apply too (a gap through both).
 */
export function matchTick(state: MatchingState, tick: MatchingTick): { state: MatchingState; fills: MatchedFill[] } {
  if (state.status === 'closed' || state.status === 'expired') return { state, fills: [] };
  const fills: MatchedFill[] = [];
  let next = state;
  if (next.status === 'pending') {
    if (tick.at >= next.expiresAt) return { state: { ...next, status: 'expired', closeReason: 'expired' }, fills };
    if (!touches(next.side, tick.price, next.entry, 'against')) return { state: next, fills };
    fills.push({ leg: 'entry', price: next.entry, quantity: next.quantity, realisedPnlMinor: 0, at: tick.at });
    next = { ...next, status: 'open', remaining: next.quantity };
  }
  if (touches(next.side, tick.price, next.stop, 'against')) {
    fills.push(closing(next, 'stop', tick.price, next.remaining, tick.at));
    return { state: { ...next, remaining: 0n, status: 'closed', closeReason: 'stop' }, fills };
  }
  const parts = targetParts(next.quantity, next.targets.length);
  while (next.targetsHit < next.targets.length) {
    const target = next.targets[next.targetsHit]!;
    if (!touches(next.side, tick.price, target, 'with')) break;
    const part = parts[next.targetsHit]!;
    fills.push(closing(next, `target_${next.targetsHit + 1}`, target, part, tick.at));
    const remaining = next.remaining - part;
    next = { ...next, targetsHit: next.targetsHit + 1, remaining };
    if (next.targetsHit === next.targets.length)
      next = { ...next, remaining: 0n, status: 'closed', closeReason: 'targets' };
  }
  return { state: next, fills };
}

function closing(state: MatchingState, leg: string, price: bigint, quantity: bigint, at: Date): MatchedFill {
  return {
    leg,
    price,
    quantity,
    realisedPnlMinor: pnlMinor(state.side, state.entry, price, quantity, state.currency),
    at,
  };
}

/** Time alone can expire a pending order: no tick needs to arrive for it. */
export function expireIfDue(state: MatchingState, now: Date): MatchingState {
  return state.status === 'pending' && now >= state.expiresAt
    ? { ...state, status: 'expired', closeReason: 'expired' }
    : state;
}

/**
 * The targets in the order the price meets them (nearest the entry first), or undefined when
 * the levels contradict the side (a long's stop above its entry, a target below it): such a
 * signal cannot be traded by these rules.
 */
export function tradeableTargets(
  side: TradeSide,
  entry: bigint,
  stop: bigint,
  targets: bigint[],
): bigint[] | undefined {
  const away = (from: bigint, to: bigint) => (side === 'long' ? to > from : to < from);
  if (entry <= 0n || stop <= 0n || targets.length === 0 || !away(stop, entry)) return undefined;
  if (!targets.every((target) => away(entry, target))) return undefined;
  return [...targets].sort((left, right) => (away(left, right) ? -1 : away(right, left) ? 1 : 0));
}
