import { z } from 'zod';
import { calendarMonthOf } from '../../../core/billing/business-figures.js';
import { badRequest } from '../../../core/errors.js';

/** `from` inclusive, `to` exclusive; both optional. */
export const adminPeriodQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/**
 * The period every admin figure answers for. The default is the calendar month (UTC) `/admin
 * stats` shows, so they all answer alike; given only `to`, the calendar month that ends there
 * (or contains it).
 */
export function resolveAdminPeriod(query: z.infer<typeof adminPeriodQuery>, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : calendarMonthOf(now).to;
  const from = query.from ? new Date(query.from) : calendarMonthOf(new Date(to.getTime() - 1)).from;
  if (from >= to) throw badRequest('period_invalid', '`from` must be before `to`.');
  return { from, to };
}
