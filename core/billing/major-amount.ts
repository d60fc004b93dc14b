import { badRequest } from '../errors.js';

/** How many minor units the currency has after the point (2 for USD, 0 for JPY), as formatMoney prints it. */
const fractionDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
    .maximumFractionDigits ?? 2;

/**
 * "12.50" typed by a person in `currency` as integer minor units (1250), without floating
 * point: more decimals than the currency has, or anything not a plain positive amount, is
 * refused with `refund_amount_invalid` rather than rounded.
 */
export function minorUnitsFromMajor(text: string, currency: string): number {
  const digits = fractionDigits(currency);
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  const fraction = match?.[2] ?? '';
  if (!match || fraction.length > digits)
    throw badRequest(
      'refund_amount_invalid',
      `Give the amount as a number with at most ${digits} decimal${digits === 1 ? '' : 's'}, such as ${digits ? `12.${'5'.padEnd(digits, '0')}` : '1200'}.`,
    );
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (minor < 1) throw badRequest('refund_amount_invalid', 'The refund must be more than zero.');
  return minor;
}
