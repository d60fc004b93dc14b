/** Integer minor units in the currency's own precision: 4900 usd -> $49.00, 500 jpy -> ¥500. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    .maximumFractionDigits;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).format(
    amountMinor / 10 ** (digits ?? 2),
  );
}

/** "12 May 2026" in UTC: members are everywhere, the server's zone means nothing to them. */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * "12 May 2026 14:30 UTC": an instant members act before (a link's expiry). The chat reply and
 * the checkout page both print it with this, so the two always read the same.
 */
export function formatInstant(value: Date | string): string {
  const date = new Date(value);
  return `${formatDate(date)} ${date.toISOString().slice(11, 16)} UTC`;
}
