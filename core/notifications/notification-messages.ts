import type { DirectMessage } from '../ports/chat-platform.js';

/** Integer minor units in the currency's own precision: 4900 usd -> $49.00, 500 jpy -> ¥500. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    .maximumFractionDigits;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).format(
    amountMinor / 10 ** (digits ?? 2),
  );
}

export const formatDate = (date: Date) =>
  date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

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
  accessRevoked: (explanation: string, manageUrl: string): DirectMessage => ({
    text: `Your paid access was removed. ${explanation}`,
    links: [{ label: 'See plans', url: manageUrl }],
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
