import type { Clock } from '../ports/clock.js';
import type { PriceFeed, PriceTick } from '../ports/price-feed.js';

/**
 * A price feed that plays back a written path per instrument: tests say exactly which
 * prices happen when, and the clock decides how much of the path has happened yet.
 */
export function createScriptedPriceFeed(deps: { clock: Clock }) {
  const paths = new Map<string, PriceTick[]>();
  const happened = (instrument: string) => {
    const now = deps.clock.now();
    return (paths.get(instrument) ?? []).filter((tick) => tick.at <= now);
  };

  const feed: PriceFeed & {
    /** Appends ticks to an instrument's path (times must increase). */
    script(instrument: string, ticks: Array<{ at: Date | string; price: string }>): void;
  } = {
    async latest(instrument) {
      return happened(instrument).at(-1);
    },
    async ticksSince(instrument, after) {
      return happened(instrument).filter((tick) => tick.at > after);
    },
    track() {},
    script(instrument, ticks) {
      const path = paths.get(instrument) ?? [];
      for (const tick of ticks) {
        const at = new Date(tick.at);
        const last = path.at(-1);
        if (last && at <= last.at) throw new Error(`ticks of ${instrument} must move forward in time`);
        path.push({ instrument, price: tick.price, at });
      }
      paths.set(instrument, path);
    },
  };
  return feed;
}

export type ScriptedPriceFeed = ReturnType<typeof createScriptedPriceFeed>;
