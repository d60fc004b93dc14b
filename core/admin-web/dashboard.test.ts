import { describe, expect, it } from 'vitest';
import { dashboardPeriod } from './dashboard.js';

describe('the dashboard period', () => {
  const now = new Date('2026-03-15T10:30:00Z');
  const iso = (period: { from: Date; to: Date }) => [period.from.toISOString(), period.to.toISOString()];

  it('defaults to the calendar month GET /admin/revenue defaults to', () => {
    expect(iso(dashboardPeriod({}, now))).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
  });

  it('last month, and the last 30 or 90 days up to the end of today (UTC)', () => {
    expect(iso(dashboardPeriod({ preset: 'last_month' }, now))).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(iso(dashboardPeriod({ preset: 'last_30_days' }, now))).toEqual([
      '2026-02-14T00:00:00.000Z',
      '2026-03-16T00:00:00.000Z',
    ]);
    expect(iso(dashboardPeriod({ preset: 'last_90_days' }, now))[1]).toBe('2026-03-16T00:00:00.000Z');
  });

  it('custom days include the last day, and a period that ends before it starts is refused', () => {
    expect(iso(dashboardPeriod({ from: '2026-01-05', to: '2026-01-05' }, now))).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
    ]);
    expect(() => dashboardPeriod({ from: '2026-01-06', to: '2026-01-05' }, now)).toThrow(
      expect.objectContaining({ code: 'period_invalid' }),
    );
  });
});
