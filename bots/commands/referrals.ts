import { type CommandHandler, privateReply } from '../command-context.js';

/** /redeem <code>: remembered for the member's next checkout. */
export const redeemCommand: CommandHandler = async ({ core, userId }, args) => {
  const result = await core.referrals.redeem(userId, (args.code ?? '').trim());
  return privateReply(
    result.kind === 'referral'
      ? `Referral code **${result.code}** applied: it will be used on your next checkout.`
      : `Promo code **${result.code}** applied: ${result.description} on your next checkout.`,
  );
};

/** /referral: the member's own code and link, and how many joined and paid with it. */
export const referralCommand: CommandHandler = async ({ core, userId }) => {
  const [code, stats] = await Promise.all([core.referrals.codeFor(userId), core.referrals.stats(userId)]);
  return privateReply(
    `Share your code **${code.code}**: friends enter \`/redeem ${code.code}\` before they subscribe.`,
    {
      title: 'Your referrals',
      fields: [
        { label: 'Link', value: code.url },
        { label: 'Joined with your code', value: String(stats.referred) },
        { label: 'Of them paying', value: String(stats.paying) },
      ],
    },
  );
};
