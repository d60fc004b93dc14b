import { describe, expect, it } from 'vitest';
import { fromScaled, priceDecimals, quantityDecimals, toScaled } from './decimal.js';
import { type MatchingState, matchTick, tradeableTargets } from './paper-order-matching.js';
import { pnlMinor, quantityForNotional, targetParts } from './position-math.js';

const price = (value: string) => toScaled(value, priceDecimals);
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));

function position(side: 'long' | 'short', entry: string, stop: string, targets: string[]): MatchingState {
  const entryScaled = price(entry);
  return {
    side,
    currency: 'usd',
    entry: entryScaled,
    stop: price(stop),
    targets: targets.map(price),
    quantity: quantityForNotional(100_000, 'usd', entryScaled),
    remaining: 0n,
    targetsHit: 0,
    status: 'pending',
    closeReason: null,
    expiresAt: at(59),
  };
}

function run(state: MatchingState, path: string[]) {
  const fills = [];
  let current = state;
  for (const [index, value] of path.entries()) {
    const result = matchTick(current, { price: price(value), at: at(index) });
    current = result.state;
    fills.push(
      ...result.fills.map((fill) => `${fill.leg}@${fromScaled(fill.price, priceDecimals)}:${fill.realisedPnlMinor}`),
    );
  }
  return { state: current, fills };
}

describe('paper order matching', () => {
  it('decimal prices survive the round trip exactly', () => {
    expect(fromScaled(price('64250.5'), priceDecimals)).toBe('64250.5');
    expect(fromScaled(price('0.0000000001'), priceDecimals)).toBe('0.0000000001');
    expect(() => price('1.00000000001')).toThrow(/more than 10 decimal places/);
    expect(() => price('1e5')).toThrow(/not a decimal/);
  });

  it('a fixed notional buys a quantity rounded down, never more than the notional', () => {
    expect(fromScaled(quantityForNotional(100_000, 'usd', price('100')), quantityDecimals)).toBe('10');
    // 1000 / 3 = 333.33333333… : rounded down at 8 decimals.
    expect(fromScaled(quantityForNotional(100_000, 'usd', price('3')), quantityDecimals)).toBe('333.33333333');
    expect(fromScaled(quantityForNotional(500, 'jpy', price('7')), quantityDecimals)).toBe('71.42857142');
  });

  it('PnL is rounded half away from zero once per fill, in minor units', () => {
    const quantity = toScaled('0.005', quantityDecimals);
    expect(pnlMinor('long', price('100'), price('101'), quantity, 'usd')).toBe(1); // +0.005 usd
    expect(pnlMinor('long', price('101'), price('100'), quantity, 'usd')).toBe(-1);
    expect(pnlMinor('short', price('100'), price('90'), toScaled('1', quantityDecimals), 'usd')).toBe(1000);
  });

  it('targets close equal parts and the last one takes what rounding left', () => {
    expect(targetParts(10n, 3)).toEqual([3n, 3n, 4n]);
    expect(targetParts(10n, 1)).toEqual([10n]);
  });

  it('a long fills at the entry, takes the first target, then the stop closes the rest', () => {
    const { state, fills } = run(position('long', '100', '95', ['110', '120']), [
      '103',
      '100.5',
      '99',
      '110',
      '105',
      '94',
    ]);
    expect(fills).toEqual(['entry@100:0', 'target_1@110:5000', 'stop@94:-3000']);
    expect(state).toMatchObject({ status: 'closed', closeReason: 'stop', remaining: 0n });
  });

  it('a long that reaches every target closes on the last one', () => {
    const { state, fills } = run(position('long', '100', '95', ['110', '120']), ['100', '121']);
    expect(fills).toEqual(['entry@100:0', 'target_1@110:5000', 'target_2@120:10000']);
    expect(state.closeReason).toBe('targets');
  });

  it('a short fills when the price rises to the entry and gains as it falls', () => {
    const { state, fills } = run(position('short', '200', '210', ['180']), ['195', '201', '185', '180']);
    expect(fills).toEqual(['entry@200:0', 'target_1@180:10000']);
    expect(state.status).toBe('closed');
  });

  it('an entry that is never reached expires without a fill', () => {
    const pending = position('long', '100', '95', ['110']);
    const { state, fills } = run({ ...pending, expiresAt: at(3) }, ['101', '102', '101', '99']);
    expect(fills).toEqual([]);
    expect(state).toMatchObject({ status: 'expired', closeReason: 'expired' });
  });

  it('a gap through entry and stop on one tick fills and stops out at the tick price', () => {
    const { fills } = run(position('long', '100', '95', ['110']), ['101', '90']);
    expect(fills).toEqual(['entry@100:0', 'stop@90:-10000']);
  });

  it('targets are met nearest first, and levels that contradict the side are not tradeable', () => {
    expect(tradeableTargets('long', price('100'), price('95'), [price('120'), price('110')])).toEqual([
      price('110'),
      price('120'),
    ]);
    expect(tradeableTargets('short', price('100'), price('105'), [price('90'), price('95')])).toEqual([
      price('95'),
      price('90'),
    ]);
    expect(tradeableTargets('long', price('100'), price('105'), [price('110')])).toBeUndefined();
    expect(tradeableTargets('long', price('100'), price('95'), [price('110'), price('99')])).toBeUndefined();
    expect(tradeableTargets('short', price('100'), price('105'), [])).toBeUndefined();
  });
});
