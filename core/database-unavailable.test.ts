import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { AppError } from './errors.js';

const coded = (code: string) => Object.assign(new Error(code), { code });

describe('database unavailable errors', () => {
  it('socket, pool, shutdown and timeout codes mean "retry later", through any wrapper', () => {
    for (const code of [
      'ECONNREFUSED',
      'CONNECT_TIMEOUT',
      'CONNECTION_CLOSED',
      'POOL_WAIT_TIMEOUT',
      '57P01',
      '57P03',
      '57014',
      '08006',
      '53300',
    ])
      expect(isDatabaseUnavailable(coded(code)), code).toBe(true);
    const drizzleWrapped = new Error('Failed query', { cause: coded('ECONNREFUSED') });
    expect(isDatabaseUnavailable(new AppError('webhook_store_failed', 'x', { cause: drizzleWrapped }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([coded('ECONNREFUSED')]))).toBe(true);
  });

  it('data and constraint errors are not outages', () => {
    for (const code of ['23505', '22P02', '42P01', 'internal_error'])
      expect(isDatabaseUnavailable(coded(code))).toBe(false);
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
