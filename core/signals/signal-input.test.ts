import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { canonicalPrice, comparePrices } from './decimal-price.js';
import { parseSignalInput } from './signal-input.js';

const valid = {
  instrument: 'btcusdt',
  side: 'long',
  entry: '64250.50',
  stop: '63000',
  targets: ['66000', '068000.0'],
  idempotency_key: 'publisher-key-1',
};

const codeOf = (raw: unknown) => {
  try {
    parseSignalInput(raw);
    return 'accepted';
  } catch (error) {
    return isAppError(error) ? `${error.status} ${error.code}` : 'threw';
  }
};

describe('signal input', () => {
  it('normalises prices and the symbol so the same signal always hashes the same', () => {
    const parsed = parseSignalInput(valid);
    expect(parsed).toMatchObject({ instrument: 'BTCUSDT', entry: '64250.5', targets: ['66000', '68000'], note: null });
  });

  it('a long needs its stop below the entry and every target above it; a short the reverse', () => {
    expect(codeOf({ ...valid, stop: '64250.5' })).toBe('400 signal_stop_wrong_side');
    expect(codeOf({ ...valid, targets: ['66000', '64000'] })).toBe('400 signal_target_wrong_side');
    expect(codeOf({ ...valid, side: 'short', stop: '65000', targets: ['60000'] })).toBe('accepted');
    expect(codeOf({ ...valid, side: 'short' })).toBe('400 signal_stop_wrong_side');
  });

  it('prices must be positive decimal strings', () => {
    for (const entry of ['-1', '0', '1e5', 'abc', '', '0.000'])
      expect(codeOf({ ...valid, entry }), entry).toBe('400 invalid_signal');
    expect(codeOf({ ...valid, idempotency_key: undefined })).toBe('400 invalid_signal');
  });

  it('compares decimals exactly, without floating point', () => {
    expect(comparePrices('0.3', '0.30000000000000004')).toBeLessThan(0);
    expect(comparePrices('10', '9.999')).toBeGreaterThan(0);
    expect(comparePrices('1.50', '1.5')).toBe(0);
    expect(canonicalPrice('007.100')).toBe('7.1');
  });
});
