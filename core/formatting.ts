// Building an Intl formatter costs far more than using one (it showed in the pricing page's
// profile), so each is built once per currency and reused.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; minorDigits: number }>();

/** Integer minor units in the currency's own precision: 4900 usd -> $49.00, 500 jpy -> ¥500. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  let money = moneyFormats.get(code);
  if (!money) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    money = { format, minorDigits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(code, money);
  }
  return money.format.format(amountMinor / 10 ** money.minorDigits);
}

const wholeNumbers = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345". */
export function formatCount(value: number): string {
  return wholeNumbers.format(value);
}

const dayMonthYear = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "12 May 2026" in UTC: members are everywhere, the server's zone means nothing to them. */
export function formatDate(value: Date | string | null | undefined): string {
  const date = value ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '—';
  return dayMonthYear.format(date);
}

/**
 * "12 May 2026 14:30 UTC": an instant members act before (a link's expiry). The chat reply and
 * the checkout page both print it with this, so the two always read the same.
 */
export function formatInstant(value: Date | string): string {
  const date = new Date(value);
  return `${formatDate(date)} ${date.toISOString().slice(11, 16)} UTC`;
}
