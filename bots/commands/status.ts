import type { CommandHandler } from '../command-context.js';
import { describeStatus, formatDate } from '../reply-format.js';
import { resumeButton } from './resume.js';

/** /status: plan, lifecycle state, renewal or end date, and today's quota use. */
export const statusCommand: CommandHandler = async ({ core, userId }) => {
  const [status, usage] = await Promise.all([core.subscriptions.status(userId), core.quotas.usage(userId)]);
  const { entitlements: entitlement, subscription } = status;
  const plan = await core.catalog.getPlan(entitlement.tier);
  const fields = [
    { label: 'Plan', value: plan.name },
    { label: 'State', value: describeStatus(entitlement.status) },
  ];
  if (subscription && ['trialing', 'active', 'past_due'].includes(subscription.status)) {
    fields.push({
      label: subscription.cancel_at_period_end ? 'Ends' : 'Renews',
      value: formatDate(subscription.current_period_end),
    });
  } else if (entitlement.expires_at) {
    fields.push({ label: 'Access until', value: formatDate(entitlement.expires_at) });
  }
  const signalLimit = entitlement.quotas.signals_per_day;
  if (signalLimit !== undefined)
    fields.push({ label: 'Signals today', value: `${usage.signals_per_day ?? 0} of ${signalLimit}` });
  const apiLimit = entitlement.quotas.api_rpm;
  if (apiLimit !== undefined) fields.push({ label: 'API rate limit', value: `${apiLimit} requests/minute` });
  // A canceling subscription can still be kept: offer it where the member sees the end date.
  const canceling = subscription?.cancel_at_period_end === true && subscription.ended_at === null;
  return {
    title: 'Your membership',
    text: entitlement.explanation,
    fields,
    private: true,
    ...(canceling ? { buttons: [resumeButton] } : {}),
  };
};
