import { type CommandHandler, privateReply } from '../command-context.js';
import { formatDate } from '../reply-format.js';
import { isCanceling, resumeButton } from './resume.js';

/** /manage: a personal, short-lived link to the provider's billing portal. */
export const manageCommand: CommandHandler = async ({ core, userId }) => {
  const subscription = await core.subscriptions.currentSubscription(userId);
  if (!subscription) return privateReply('You have no subscription to manage. See /tiers. (subscription_not_found)');
  const link = await core.links.manageLink(userId);
  const ending = isCanceling(subscription)
    ? ` Your subscription is canceled and ends on ${formatDate(subscription.currentPeriodEnd)}; resume it to keep it.`
    : '';
  return privateReply(
    `Your billing portal (card, invoices, plan), valid until ${formatDate(link.expiresAt)}: ${link.url}${ending}`,
    {
      buttons: [{ label: 'Open billing portal', url: link.url }, ...(isCanceling(subscription) ? [resumeButton] : [])],
    },
  );
};

/** /cancel: cancel at period end, after the member confirms. */
export const cancelCommand: CommandHandler = async (context) => {
  const subscription = await context.core.subscriptions.currentSubscription(context.userId);
  if (!subscription) return privateReply('You have no subscription to cancel. (subscription_not_found)');
  if (subscription.cancelAtPeriodEnd)
    return privateReply(`Already canceled: access lasts until ${formatDate(subscription.currentPeriodEnd)}.`, {
      buttons: [resumeButton],
    });
  const buttons = await context.confirm(
    'cancel',
    {},
    { confirm: 'Cancel at period end', keep: 'Keep it', style: 'danger' },
  );
  return privateReply(
    `Cancel **${subscription.planId}**? You keep access until ${formatDate(subscription.currentPeriodEnd)} and will not be charged again.`,
    { buttons },
  );
};
