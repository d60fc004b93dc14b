import { formatDate, formatMoney } from '../formatting.js';
import type { DirectMessage } from '../ports/chat-platform.js';

/** The DMs members get, one builder per kind; `explanation` is the entitlement's own sentence. */
export const messages = {
  accessGranted: (planName: string, explanation: string): DirectMessage => ({
    text: `You now have ${planName}. ${explanation}`,
  }),
  paymentFailed: (planName: string, explanation: string, fixUrl: string): DirectMessage => ({
    text: `Your ${planName} payment did not go through. ${explanation}`,
    links: [{ label: 'Update payment method', url: fixUrl }],
  }),
  accessEnding: (planName: string, endsAt: Date | null, manageUrl: string): DirectMessage => ({
    text: endsAt
      ? `Your ${planName} subscription is canceled: access ends on ${formatDate(endsAt)}. Changed your mind? You can resume it before then.`
      : `Your ${planName} subscription is canceled.`,
    links: [{ label: 'Manage subscription', url: manageUrl }],
  }),
  accessRevoked: (explanation: string): DirectMessage => ({
    text: `Your paid access was removed. ${explanation} Send /tiers to see the plans.`,
  }),
  paymentReceived: (planName: string, amountMinor: number, currency: string, paidAt: Date): DirectMessage => ({
    text: `Payment received, thank you. ${planName}: ${formatMoney(amountMinor, currency)} on ${formatDate(paidAt)}.`,
  }),
  renewalComing: (
    planName: string,
    renewsAt: Date,
    price: { amountMinor: number; currency: string } | undefined,
    manageUrl: string,
  ): DirectMessage => ({
    text: `Your ${planName} plan renews on ${formatDate(renewsAt)}${price ? ` for ${formatMoney(price.amountMinor, price.currency)}` : ''}.`,
    links: [{ label: 'Manage subscription', url: manageUrl }],
  }),
};
