/** The sandbox keeps times as unix seconds, like the provider APIs it imitates. */
export const toUnixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

export const fromOptionalUnixSeconds = (seconds: number | null): Date | null =>
  seconds === null ? null : fromUnixSeconds(seconds);

/**
 * The instant `count` intervals after the anchor. Counting from the anchor (not chaining from
 * the previous end) keeps a period that started on the 31st ending on the 31st whenever the
 * month has one, and on the month's last day otherwise, as card processors bill.
 */
export function addBillingIntervals(anchorSeconds: number, interval: 'month' | 'year', count: number): number {
  const anchor = fromUnixSeconds(anchorSeconds);
  const monthIndex = anchor.getUTCMonth() + (interval === 'year' ? 12 * count : count);
  const year = anchor.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(anchor.getUTCDate(), lastDayOfMonth);
  return toUnixSeconds(
    new Date(Date.UTC(year, month, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds())),
  );
}
