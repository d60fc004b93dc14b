import { describe, expect, it } from 'vitest';
import { cryptoToFiatMinor, decimalToMinor, minorToDecimal } from './decimal-money.js';

describe('exact decimal money', () => {
  it('reads processor amounts in the currency’s own precision, rounding extra digits half up once', () => {
    expect(decimalToMinor('20.00', 'USD')).toBe(2000);
    expect(decimalToMinor('20', 'usd')).toBe(2000);
    expect(decimalToMinor('0.015', 'USD')).toBe(2);
    expect(decimalToMinor('0.014999', 'USD')).toBe(1);
    expect(decimalToMinor('500', 'JPY')).toBe(500);
    expect(decimalToMinor('-3.50', 'EUR')).toBe(-350);
  });

  it('writes minor units back as the decimal string processors take', () => {
    expect(minorToDecimal(2000, 'USD')).toBe('20.00');
    expect(minorToDecimal(5, 'USD')).toBe('0.05');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
    expect(minorToDecimal(-350, 'EUR')).toBe('-3.50');
  });

  it('values a crypto payment at its rate without floating point error', () => {
    // BTCPay's fixture: 0.00031847 BTC at 62800.25 USD is 19.99999... USD.
    expect(cryptoToFiatMinor('0.00031847', '62800.25', 'USD')).toBe(2000);
    // 0.1 + 0.2 style traps: 0.3 at 1 is exactly 30 cents.
    expect(cryptoToFiatMinor('0.3', '1', 'USD')).toBe(30);
    expect(cryptoToFiatMinor('123456789.123456789', '0.00000001', 'USD')).toBe(123);
  });

  it('refuses what is not a decimal and what cannot be held exactly', () => {
    for (const bad of ['1e3', '0x10', '', '1.2.3', ' 12a']) expect(() => decimalToMinor(bad, 'USD')).toThrow();
    expect(() => decimalToMinor('99999999999999999999', 'USD')).toThrow();
  });
});
