import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sandboxProrationMinor } from './sandbox-proration.js';

describe('sandbox proration', () => {
  it('is the difference times the remaining fraction, rounded once, half away from zero', () => {
    expect(sandboxProrationMinor(5000, 0, 30, 10)).toBe(3333);
    expect(sandboxProrationMinor(5000, 0, 30, 20)).toBe(1667);
    expect(sandboxProrationMinor(1, 0, 2, 1)).toBe(1);
    expect(sandboxProrationMinor(-1, 0, 2, 1)).toBe(-1);
    expect(sandboxProrationMinor(-5000, 0, 30, 20)).toBe(-1667);
  });

  it('charges nothing outside the period and the whole difference at its start', () => {
    expect(sandboxProrationMinor(5000, 100, 200, 250)).toBe(0);
    expect(sandboxProrationMinor(5000, 100, 200, 50)).toBe(5000);
    expect(sandboxProrationMinor(5000, 100, 100, 100)).toBe(0);
  });

  it('never differs by more than half a unit from the exact fraction, for amounts far beyond floating point comfort', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 40_000_000 }),
        fc.integer({ min: 0, max: 40_000_000 }),
        (difference, length, elapsed) => {
          const result = sandboxProrationMinor(difference, 0, length, Math.min(elapsed, length));
          const remaining = length - Math.min(elapsed, length);
          const exactTwice = (2n * BigInt(difference) * BigInt(remaining)) / BigInt(length);
          expect(Math.abs(2 * result - Number(exactTwice))).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
