import { describe, expect, it } from 'vitest';
import { addBillingIntervals, toUnixSeconds } from './sandbox-billing-period.js';

const seconds = (iso: string) => toUnixSeconds(new Date(iso));

describe('sandbox billing periods', () => {
  it('a period anchored on the 31st ends on the last day of a short month and returns to the 31st', () => {
    const anchor = seconds('2025-01-31T12:00:00Z');
    expect(addBillingIntervals(anchor, 'month', 1)).toBe(seconds('2025-02-28T12:00:00Z'));
    expect(addBillingIntervals(anchor, 'month', 2)).toBe(seconds('2025-03-31T12:00:00Z'));
    expect(addBillingIntervals(anchor, 'month', 3)).toBe(seconds('2025-04-30T12:00:00Z'));
  });

  it('months roll over into the next year and years keep the date', () => {
    expect(addBillingIntervals(seconds('2025-11-15T08:30:00Z'), 'month', 3)).toBe(seconds('2026-02-15T08:30:00Z'));
    expect(addBillingIntervals(seconds('2024-02-29T00:00:00Z'), 'year', 1)).toBe(seconds('2025-02-28T00:00:00Z'));
    expect(addBillingIntervals(seconds('2024-02-29T00:00:00Z'), 'year', 4)).toBe(seconds('2028-02-29T00:00:00Z'));
  });
});
