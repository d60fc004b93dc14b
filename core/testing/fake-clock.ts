import type { Clock } from '../ports/clock.js';

/** A clock tests move by hand: periods end, grace runs out and retries come due on command. */
export function createFakeClock(start: Date | string = '2026-11-01T12:00:00.000Z') {
  let current = new Date(start).getTime();
  const clock: Clock & { advance(milliseconds: number): void; set(date: Date | string): void } = {
    now: () => new Date(current),
    advance(milliseconds) {
      current += milliseconds;
    },
    set(date) {
      current = new Date(date).getTime();
    },
  };
  return clock;
}

export type FakeClock = ReturnType<typeof createFakeClock>;
