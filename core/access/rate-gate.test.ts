import { describe, expect, it } from 'vitest';
import { createRateGate, rateGateShape } from './rate-gate.js';

/** Virtual time: sleeping moves it, so a minute of traffic runs in microseconds and always alike. */
function virtualTime() {
  let current = 0;
  return {
    now: () => current,
    sleep: async (milliseconds: number) => {
      current += milliseconds;
    },
    advance(milliseconds: number) {
      current += milliseconds;
    },
  };
}

/** The most starts in any half-open window [t, t + windowMs). */
function busiestWindow(starts: number[], windowMs: number) {
  const sorted = [...starts].sort((left, right) => left - right);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

async function runMany(requestsPerSecond: number, count: number) {
  const time = virtualTime();
  const gate = createRateGate({ requestsPerSecond, now: time.now, sleep: time.sleep });
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () =>
      gate.run(async () => {
        starts.push(time.now());
      }),
    ),
  );
  const elapsedSeconds = (starts[starts.length - 1]! - starts[0]!) / 1000;
  // count - 1 intervals: the rate the gate sustained between the first start and the last.
  return { starts, achieved: (count - 1) / elapsedSeconds };
}

describe('rate gate', () => {
  it('never starts more than 40 calls in any one-second window and sustains at least 0.99 of 40/s', async () => {
    const { starts, achieved } = await runMany(40, 2001);
    expect(busiestWindow(starts, 1000)).toBe(40);
    expect(achieved / 40).toBeGreaterThanOrEqual(0.99);
    expect(achieved).toBeLessThanOrEqual(40);
  });

  it('a fractional rate under one (Slack 0.8/s) starts one call per 1250 ms, no faster', async () => {
    const { starts, achieved } = await runMany(0.8, 50);
    for (let index = 1; index < starts.length; index += 1)
      expect(starts[index]! - starts[index - 1]!).toBeGreaterThanOrEqual(1250);
    expect(busiestWindow(starts, 1000)).toBe(1);
    expect(achieved / 0.8).toBeGreaterThanOrEqual(0.99);
  });

  it('a fractional rate above one is rounded down so no second ever holds more than the limit', async () => {
    expect(rateGateShape(2.5)).toEqual({ capacity: 2, windowMs: 1000 });
    const { starts } = await runMany(2.5, 101);
    expect(busiestWindow(starts, 1000)).toBe(2);
  });

  it('the first calls start at once: the gate only waits when the window is full', async () => {
    const { starts } = await runMany(25, 25);
    expect(new Set(starts)).toEqual(new Set([0]));
  });

  it('pauseUntil holds every caller until the pause ends, then resumes under the limit', async () => {
    const time = virtualTime();
    const gate = createRateGate({ requestsPerSecond: 10, now: time.now, sleep: time.sleep });
    const starts: number[] = [];
    const track = () =>
      gate.run(async () => {
        starts.push(time.now());
      });
    await track();
    gate.pauseFor(3000);
    await Promise.all(Array.from({ length: 30 }, track));
    expect(starts[0]).toBe(0);
    expect(Math.min(...starts.slice(1))).toBeGreaterThanOrEqual(3000);
    expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(10);
    // An earlier pause never shortens a later one.
    gate.pauseUntil(time.now() + 5000);
    gate.pauseUntil(time.now() + 1000);
    const before = time.now();
    await track();
    expect(starts[starts.length - 1]! - before).toBeGreaterThanOrEqual(5000);
  });

  it('calls start in arrival order and a failing call frees its turn without stopping the gate', async () => {
    const time = virtualTime();
    const gate = createRateGate({ requestsPerSecond: 2, now: time.now, sleep: time.sleep });
    const order: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) =>
        gate.run(async () => {
          order.push(index);
          if (index === 2) throw new Error('platform said no');
          return index;
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
  });

  it('time that passed while idle counts: a call after a quiet spell starts at once', async () => {
    const time = virtualTime();
    const gate = createRateGate({ requestsPerSecond: 1, now: time.now, sleep: time.sleep });
    await gate.run(async () => undefined);
    time.advance(5000);
    const before = time.now();
    await gate.run(async () => undefined);
    expect(time.now()).toBe(before);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => rateGateShape(0)).toThrow(RangeError);
    expect(() => rateGateShape(Number.NaN)).toThrow(RangeError);
  });
});
