import { isAppError } from '../../core/errors.js';
import { type CommandHandler, privateReply } from '../command-context.js';
import { formatDate, formatInstant, formatPrice } from '../reply-format.js';
import { isCanceling, resumeButton } from './resume.js';

/**
 * /subscribe <plan> [card|crypto] [code]: a personal checkout link. The link carries a signed,
 * short-lived token naming this member, so whoever opens it pays for this member. A member
 * who already pays for a tier is offered a prorated switch instead of a second subscription.
 */
export const subscribeCommand: CommandHandler = async (context, args) => {
  const { core, userId } = context;
  const planId = (args.plan ?? '').toLowerCase();
  const method = args.method === 'crypto' ? 'crypto' : 'card';
  const plan = await core.catalog.getPlan(planId).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) return undefined;
    throw error;
  });
  if (!plan?.active) return privateReply(`There is no plan called "${args.plan ?? ''}". See /tiers. (plan_not_found)`);
  if (plan.contactSales) return privateReply(`${plan.name} is sold by our team: ask a moderator. (plan_contact_sales)`);

  const current = await core.subscriptions.currentSubscription(userId);
  if (current && plan.kind === 'tier') {
    if (current.planId === plan.id && isCanceling(current))
      return privateReply(
        `Your ${plan.name} subscription is canceled and ends on ${formatDate(current.currentPeriodEnd)}. Resume it to keep ${plan.name} without paying twice.`,
        { buttons: [resumeButton] },
      );
    if (current.planId === plan.id)
      return privateReply(`You already have ${plan.name}. Use /manage for billing or /status for details.`);
    const buttons = await context.confirm(
      'change_plan',
      { plan: plan.id },
      { confirm: `Switch to ${plan.name}`, keep: 'Keep my plan', style: 'primary' },
    );
    return privateReply(
      `You pay for **${current.planId}** now. Switch to **${plan.name}**? The difference is prorated on your next invoice.`,
      { buttons },
    );
  }

  const link = await core.links.checkoutLink({
    userId,
    planId: plan.id,
    method,
    source: context.actor.platform,
    ...(args.code ? { code: args.code } : {}),
  });
  const price = plan.prices.find((candidate) => candidate.active && candidate.interval === 'month') ?? plan.prices[0];
  const priceText = price ? formatPrice(price) : plan.name;
  const promotion = link.promotion ? ` Promo code **${link.promotion.code}**: ${link.promotion.description}.` : '';
  return privateReply(
    `Your personal ${method === 'crypto' ? 'crypto' : 'card'} checkout for **${plan.name}** (${priceText}).${promotion} ` +
      `The link is yours alone and works until ${formatInstant(link.expiresAt)}: ${link.url}`,
    { buttons: [{ label: `Pay ${priceText}`, url: link.url }] },
  );
};
