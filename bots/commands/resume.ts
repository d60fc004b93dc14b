import type { CommandContext } from '../command-context.js';
import { privateReply } from '../command-context.js';
import type { CommandReply, ReplyButton } from '../command-types.js';
import { formatDate } from '../reply-format.js';

/**
 * Undoing a cancellation needs no confirmation: it only keeps what the member already has, and
 * it acts on the presser's own subscription, so the button carries nothing else.
 */
export const resumeAction = 'resume';

export const resumeButton: ReplyButton = { label: 'Resume subscription', action: resumeAction, style: 'primary' };

/** Whether the member's subscription is set to end and could still be resumed. */
export const isCanceling = (subscription: { cancelAtPeriodEnd: boolean } | undefined): boolean =>
  subscription?.cancelAtPeriodEnd === true;

export async function resumeSubscription({ core, userId, actorTag }: CommandContext): Promise<CommandReply> {
  const result = await core.subscriptions.resume({ userId }, actorTag);
  return privateReply(
    `Resumed. **${result.subscription?.plan_id ?? 'Your plan'}** renews on ${formatDate(result.subscription?.current_period_end)} as before.`,
  );
}
