import type { FakeClock } from './fake-clock.js';

/**
 * Real time that tests can still move ahead. A browser sets cookie expiry, TOTP windows and
 * signature timestamps by the wall clock, so a frozen test date a month away would break them;
 * this clock agrees with the browser until a test advances it.
 */
export function createLiveClock(): FakeClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(milliseconds) {
      offsetMs += milliseconds;
    },
    set(date) {
      offsetMs = new Date(date).getTime() - Date.now();
    },
  };
}
