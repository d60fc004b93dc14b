import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.js';

describe('BitPay configuration', () => {
  it('is off without a token and talks to test.bitpay.com by default', () => {
    const config = loadConfig({});
    expect(config.BITPAY_TOKEN).toBeUndefined();
    expect(config.BITPAY_ENVIRONMENT).toBe('test');
    expect(config.BITPAY_API_BASE).toBe('https://test.bitpay.com');
  });

  it('derives bitpay.com from BITPAY_ENVIRONMENT=prod, and an explicit base wins', () => {
    expect(loadConfig({ BITPAY_ENVIRONMENT: 'prod' }).BITPAY_API_BASE).toBe('https://bitpay.com');
    expect(loadConfig({ BITPAY_ENVIRONMENT: 'prod', BITPAY_API_BASE: 'http://127.0.0.1:4010' }).BITPAY_API_BASE).toBe(
      'http://127.0.0.1:4010',
    );
  });

  it('refuses an unknown environment and a base with a path', () => {
    expect(() => loadConfig({ BITPAY_ENVIRONMENT: 'staging' })).toThrow(ConfigError);
    expect(() => loadConfig({ BITPAY_API_BASE: 'https://bitpay.com/invoices' })).toThrow(/BITPAY_API_BASE/);
  });
});
