import { describe, expect, it } from 'vitest';
import { createSendPool } from './send-pool.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

describe('send pool', () => {
  it('a slow endpoint fills only its own slots; others still get room', async () => {
    const pool = createSendPool({ total: 4, perEndpoint: 2 });
    const slow = gate();
    expect(pool.tryRun('slow', () => slow.opened)).toBe(true);
    expect(pool.tryRun('slow', () => slow.opened)).toBe(true);
    expect(pool.tryRun('slow', () => slow.opened)).toBe(false);
    let fastRan = false;
    expect(
      pool.tryRun('fast', async () => {
        fastRan = true;
      }),
    ).toBe(true);
    expect(fastRan).toBe(true);
    slow.open();
    await pool.idle();
    expect(pool.inFlight()).toBe(0);
    expect(pool.hasRoom('slow')).toBe(true);
  });

  it('never runs more than the total at once', async () => {
    const pool = createSendPool({ total: 3, perEndpoint: 3 });
    const held = gate();
    const started = ['a', 'b', 'c', 'd', 'e'].map((endpoint) => pool.tryRun(endpoint, () => held.opened));
    expect(started).toEqual([true, true, true, false, false]);
    held.open();
    await pool.idle();
  });

  it('a failing send frees its slot', async () => {
    const pool = createSendPool({ total: 1, perEndpoint: 1 });
    pool.tryRun('a', async () => {
      throw new Error('boom');
    });
    await pool.idle();
    expect(pool.hasRoom('a')).toBe(true);
  });
});
