import { describe, expect, it } from 'vitest';
import { describeDiscount, discountMinor } from './discount-terms.js';

const percent = (percentOff: number) => ({ percentOff, amountOffMinor: null });
const amount = (amountOffMinor: number) => ({ percentOff: null, amountOffMinor });

describe('discount arithmetic', () => {
  it('a percent off is taken from the subtotal and rounded to the nearest minor unit', () => {
    expect(discountMinor(4900, percent(20))).toBe(980);
    expect(discountMinor(999, percent(15))).toBe(150);
    expect(discountMinor(4900, percent(100))).toBe(4900);
  });

  it('an amount off never takes more than the subtotal', () => {
    expect(discountMinor(4900, amount(500))).toBe(500);
    expect(discountMinor(300, amount(500))).toBe(300);
    expect(discountMinor(0, amount(500))).toBe(0);
  });
});

describe('what a member is told a code gives', () => {
  it('names the amount and how long it lasts', () => {
    expect(describeDiscount({ ...percent(20), currency: null, duration: 'once', durationInMonths: null })).toBe(
      '20% off your first month',
    );
    expect(describeDiscount({ ...amount(500), currency: 'usd', duration: 'forever', durationInMonths: null })).toBe(
      '$5.00 off every month',
    );
    expect(describeDiscount({ ...percent(30), currency: null, duration: 'repeating', durationInMonths: 3 })).toBe(
      '30% off for 3 months',
    );
  });
});
