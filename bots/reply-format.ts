import { formatMoney } from '../core/formatting.js';

export { formatDate, formatInstant, formatMoney } from '../core/formatting.js';

const intervalSuffix: Record<string, string> = { month: '/mo', year: '/yr', one_time: ' once' };

export const formatPrice = (price: { amountMinor: number; currency: string; interval: string }) =>
  `${formatMoney(price.amountMinor, price.currency)}${intervalSuffix[price.interval] ?? ''}`;

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
