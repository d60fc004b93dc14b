import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisHealth {
  status: 'up' | 'down';
  /** When the current state began (epoch ms). */
  sinceMs: number;
}

export interface RedisAvailability {
  /**
   * Runs `command` when Redis is worth asking, else `fallback` at once. A failed command
   * answers with `fallback` too: callers of a helper service never see Redis errors.
   */
  attempt<T>(command: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T>;
  /** A real round trip for /readyz, past the pause a timeout opened; refused at once when disconnected. */
  probe(): Promise<void>;
  health(): RedisHealth;
  /** The owner is closing the connection on purpose: no outage to report from here on. */
  closing(): void;
}

/**
 * After a command times out, Redis is skipped for this long: a frozen server keeps the socket
 * open and answers nothing, so without the pause every call would wait out its own timeout.
 * Short, because recovery is noticed on the first call after it.
 */
const pauseAfterFailureMs = 1_000;

const timeoutMessage = 'Command timed out';
const isTimeout = (error: unknown) => error instanceof Error && error.message === timeoutMessage;

/** A bound of our own around several commands reads like ioredis's commandTimeout. */
export const commandTimedOut = () => new Error(timeoutMessage);

/**
 * One view of whether a Redis connection can be used, shared by the code that talks to it.
 * Logs once when an outage starts and once when it ends, never per call; `onRecovered` runs
 * when Redis answers again (replaying what the outage held back).
 */
export function trackRedisAvailability(
  client: Redis,
  options: { what: string; logger?: Logger | undefined; onRecovered?: () => void },
): RedisAvailability {
  let state: RedisHealth = { status: client.status === 'ready' ? 'up' : 'down', sinceMs: Date.now() };
  let pausedUntil = 0;
  // Whether this outage was logged: one line when it starts, one when it ends.
  let announced = false;
  let closing = false;

  function markDown(error: unknown) {
    pausedUntil = Date.now() + pauseAfterFailureMs;
    if (state.status === 'up') state = { status: 'down', sinceMs: Date.now() };
    if (announced || closing) return;
    announced = true;
    options.logger?.warn(
      { err: error, dependency: options.what },
      `${options.what}: Redis does not answer; falling back until it does`,
    );
  }

  function markUp() {
    pausedUntil = 0;
    if (state.status === 'up') return;
    const outageMs = Date.now() - state.sinceMs;
    state = { status: 'up', sinceMs: Date.now() };
    if (announced) options.logger?.info({ dependency: options.what, outageMs }, `${options.what}: Redis answers again`);
    announced = false;
    options.onRecovered?.();
  }

  let lastAnswerAt = 0;

  /**
   * A timeout may be ours, not Redis's: when this process's event loop was blocked, timers
   * run before the replies already waiting in the socket are read. So a timeout only counts
   * if no reply arrived by the end of this loop turn (setImmediate runs after the I/O phase).
   */
  function timedOut(error: unknown) {
    const failedAt = Date.now();
    setImmediate(() => {
      if (lastAnswerAt < failedAt) markDown(error);
    });
  }

  client.on('error', (error: unknown) => markDown(error));
  client.on('close', () => markDown(new Error('connection closed')));
  client.on('ready', markUp);

  const usable = () => client.status === 'ready' && Date.now() >= pausedUntil;

  return {
    async attempt(command, fallback) {
      if (!usable()) {
        if (state.status === 'up') markDown(new Error(`connection is ${client.status}`));
        return fallback();
      }
      try {
        const result = await command();
        lastAnswerAt = Date.now();
        if (state.status === 'down') markUp();
        return result;
      } catch (error) {
        if (isTimeout(error)) timedOut(error);
        else if (client.status !== 'ready') markDown(error);
        // Any other error (a bad reply, a script error) is this call's alone: Redis answered.
        else lastAnswerAt = Date.now();
        return fallback();
      }
    },
    async probe() {
      if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
      try {
        await client.ping();
      } catch (error) {
        if (isTimeout(error)) timedOut(error);
        else markDown(error);
        throw error;
      }
      lastAnswerAt = Date.now();
      if (state.status === 'down') markUp();
    },
    health: () => state,
    closing() {
      closing = true;
    },
  };
}
