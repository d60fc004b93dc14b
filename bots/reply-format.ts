/** Integer minor units -> "$49.00". */
export function formatMoney(amountMinor: number, currency: string): string {
  const upper = currency.toUpperCase();
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: upper }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: upper }).format(amountMinor / 10 ** digits);
}

const intervalSuffix: Record<string, string> = { month: '/mo', year: '/yr', one_time: ' once' };

export const formatPrice = (price: { amountMinor: number; currency: string; interval: string }) =>
  `${formatMoney(price.amountMinor, price.currency)}${intervalSuffix[price.interval] ?? ''}`;

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

const statusWords: Record<string, string> = {
  free: 'free',
  trialing: 'trial',
  active: 'active',
  past_due: 'past due (payment failed, grace period)',
  canceled_at_period_end: 'canceled, active until the period ends',
  ended: 'ended',
  refunded: 'refunded',
  disputed: 'disputed (frozen)',
  frozen: 'frozen by a moderator',
};

export const describeStatus = (status: string) => statusWords[status] ?? status;
