import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './retry-schedule.js';

const policy = { baseMs: 30_000, maxDelayMs: 3_600_000, windowMs: 86_400_000 };
const start = new Date('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('retry schedule', () => {
  it('doubles from 30 s and stops growing at the cap', () => {
    const middle = () => 0.5;
    const delays = [1, 2, 3, 4, 8, 12].map(
      (attempts) => nextAttemptAt(attempts, start, start, policy, middle)!.getTime() - start.getTime(),
    );
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });

  it('jitter stays within ±20 %', () => {
    expect(nextAttemptAt(1, start, start, policy, () => 0)!.getTime() - start.getTime()).toBe(24_000);
    expect(nextAttemptAt(1, start, start, policy, () => 0.999_999)!.getTime() - start.getTime()).toBeLessThanOrEqual(
      36_000,
    );
  });

  it('the last retry lands at the end of the window, and none after it', () => {
    const nearEnd = at(86_400_000 - 60_000);
    expect(nextAttemptAt(20, start, nearEnd, policy)).toEqual(at(86_400_000));
    expect(nextAttemptAt(21, start, at(86_400_000), policy)).toBeNull();
  });
});
