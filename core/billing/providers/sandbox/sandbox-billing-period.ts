import { addCalendarMonths } from '../../add-calendar-months.js';

/** The sandbox keeps times as unix seconds, like the provider APIs it imitates. */
export const toUnixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

export const fromOptionalUnixSeconds = (seconds: number | null): Date | null =>
  seconds === null ? null : fromUnixSeconds(seconds);

/** The instant `count` billing intervals after the anchor (calendar months; a year is twelve). */
export const addBillingIntervals = (anchorSeconds: number, interval: 'month' | 'year', count: number): number =>
  toUnixSeconds(addCalendarMonths(fromUnixSeconds(anchorSeconds), interval === 'year' ? 12 * count : count));
