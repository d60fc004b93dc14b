import { describe, expect, it } from 'vitest';
import { createSingleFlightPerKey } from './single-flight-per-key.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('single flight per key', () => {
  it('work for one key never overlaps, and a burst while it runs collapses into one more run', async () => {
    const run = createSingleFlightPerKey<number>();
    const log: string[] = [];
    let runs = 0;
    const work = async () => {
      runs += 1;
      const mine = runs;
      log.push(`start ${mine}`);
      await tick();
      log.push(`end ${mine}`);
      return mine;
    };
    const first = run('user', work);
    // A call made before the first run started shares it.
    const shared = run('user', work);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start 1']);
    const burst = [run('user', work), run('user', work), run('user', work)];
    expect(await Promise.all([first, shared, ...burst])).toEqual([1, 1, 2, 2, 2]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('different keys run side by side, and a failed run does not block the next', async () => {
    const run = createSingleFlightPerKey<string>();
    const active = new Set<string>();
    let overlapped = false;
    const work = (key: string) => async () => {
      active.add(key);
      if (active.size > 1) overlapped = true;
      await tick();
      active.delete(key);
      return key;
    };
    await Promise.all([run('a', work('a')), run('b', work('b'))]);
    expect(overlapped).toBe(true);
    await expect(run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run('a', work('a'))).resolves.toBe('a');
  });
});
