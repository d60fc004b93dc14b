import { describe, expect, it } from 'vitest';
import { minorUnitsFromMajor } from './major-amount.js';

describe('amounts typed by the owner', () => {
  it('become exact minor units in the currency’s own precision', () => {
    expect(minorUnitsFromMajor('12.50', 'usd')).toBe(1250);
    expect(minorUnitsFromMajor('12,5', 'eur')).toBe(1250);
    expect(minorUnitsFromMajor(' 49 ', 'usd')).toBe(4900);
    expect(minorUnitsFromMajor('0.29', 'usd')).toBe(29);
    expect(minorUnitsFromMajor('500', 'jpy')).toBe(500);
  });

  it('more decimals than the currency has, zero, negatives and words are refused with refund_amount_invalid', () => {
    for (const [text, currency] of [
      ['12.505', 'usd'],
      ['5.5', 'jpy'],
      ['0', 'usd'],
      ['0.00', 'usd'],
      ['-3', 'usd'],
      ['ten', 'usd'],
      ['1e3', 'usd'],
      ['', 'usd'],
    ] as const)
      expect(() => minorUnitsFromMajor(text, currency), `${text} ${currency}`).toThrow(
        expect.objectContaining({ code: 'refund_amount_invalid' }),
      );
  });
});
