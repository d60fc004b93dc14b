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
};
