import { formatDate, formatMoney } from '../../formatting.js';
import type { DirectMessage } from '../../ports/chat-platform.js';

/** The DMs about crypto renewals (the shared ones live in core/notifications/notification-messages.ts). */
export const cryptoMessages = {
  renewedFromBalance: (
    planName: string,
    renewal: { amountMinor: number; currency: string; periodEnd: Date; balanceLeftMinor: number },
    manageUrl: string,
  ): DirectMessage => ({
    text: `Your ${planName} plan renewed from your crypto credit: ${formatMoney(renewal.amountMinor, renewal.currency)}, now paid until ${formatDate(renewal.periodEnd)}. Credit left: ${formatMoney(renewal.balanceLeftMinor, renewal.currency)}.`,
    links: [{ label: 'Manage subscription', url: manageUrl }],
  }),
  renewsFromCredit: (
    planName: string,
    periodEnd: Date,
    price: { amountMinor: number; currency: string },
  ): DirectMessage => ({
    text: `Your ${planName} plan runs until ${formatDate(periodEnd)}. Your crypto credit covers the ${formatMoney(price.amountMinor, price.currency)} renewal, so it will renew from it then.`,
  }),
  renewalInvoice: (
    planName: string,
    periodEnd: Date,
    price: { amountMinor: number; currency: string },
    stage: 'ahead' | 'last_day',
    payUrl: string,
  ): DirectMessage => ({
    text:
      stage === 'last_day'
        ? `Last day: your ${planName} plan ends on ${formatDate(periodEnd)}. Pay ${formatMoney(price.amountMinor, price.currency)} in crypto to renew it.`
        : `Your ${planName} plan ends on ${formatDate(periodEnd)}. Crypto does not renew by itself: pay ${formatMoney(price.amountMinor, price.currency)} to continue from where it stops.`,
    links: [{ label: 'Pay the renewal in crypto', url: payUrl }],
  }),
};
