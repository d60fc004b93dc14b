/**
 * Prices per instrument, as decimal strings (never floats). The paper broker reads ticks in
 * order, so a price that touched a stop between two evaluations is not missed.
 */
export interface PriceTick {
  instrument: string;
  /** Decimal string, e.g. "64250.5". */
  price: string;
  /** When the price was observed; ticks of one instrument are strictly increasing in time. */
  at: Date;
}

export interface PriceFeed {
  /** The most recent price at or before now, or undefined when the feed knows nothing yet. */
  latest(instrument: string): Promise<PriceTick | undefined>;
  /** Ticks strictly after `after` up to now, oldest first (a poll; a streaming feed buffers them). */
  ticksSince(instrument: string, after: Date): Promise<PriceTick[]>;
  /**
   * Start following an instrument. `referencePrice` (the signal's entry) lets a simulated feed
   * begin near the signal; a real feed subscribes to the instrument and ignores it.
   */
  track(instrument: string, referencePrice: string, since: Date): void;
}
