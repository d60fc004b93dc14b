import type { CommandHandler } from '../command-context.js';

/** /why: one sentence about the member's access right now, with the fix when there is one. */
export const whyCommand: CommandHandler = async ({ core, userId }) => {
  const entitlement = await core.entitlements.get(userId);
  if (entitlement.status === 'past_due') {
    const link = await core.links.manageLink(userId);
    return {
      text: `${entitlement.explanation} Pay here: ${link.url}`,
      buttons: [{ label: 'Update payment', url: link.url }],
      private: true,
    };
  }
  const suffix = ['free', 'ended', 'refunded'].includes(entitlement.status) ? ' See /tiers to upgrade.' : '';
  return { text: `${entitlement.explanation}${suffix}`, private: true };
};
