/**
 * `count` calendar months after `start`, at the same time of day: on the same day of the month
 * when the month has it and on its last day otherwise. Counting from one anchor (not chaining
 * from the previous result) keeps a 31st a 31st whenever the month allows, as card processors
 * bill and count coupon months.
 */
export function addCalendarMonths(start: Date, count: number): Date {
  const monthIndex = start.getUTCMonth() + count;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(start);
  result.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return result;
}
