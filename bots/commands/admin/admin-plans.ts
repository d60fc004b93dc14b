import { type CommandHandler, privateReply } from '../../command-context.js';
import { formatPrice } from '../../reply-format.js';

/** /admin plans [list|create|price]: changes are confirmed with a button before they apply. */
export const adminPlans: CommandHandler = async (context, args) => {
  const { core } = context;
  const action = args.action ?? 'list';
  if (action === 'list') {
    const plans = await core.catalog.listPlans({ includeInactive: true });
    return privateReply(`${plans.length} plans.`, {
      title: 'Plans',
      fields: plans.map((plan) => ({
        label: `${plan.id} — ${plan.name}${plan.active ? '' : ' (inactive)'}`,
        value:
          plan.prices
            .filter((price) => price.active)
            .map(formatPrice)
            .join(' · ') || (plan.contactSales ? 'contact sales' : 'free'),
      })),
    });
  }
  const planId = (args.plan ?? '').toLowerCase();
  const amount = Number(args.amount);
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(planId))
    return privateReply('Give a plan id: lower-case letters, digits and _. (plan_id_invalid)');
  if (!Number.isInteger(amount) || amount < 0 || amount > 100_000_000)
    return privateReply('Give the monthly price in minor units, e.g. 4900 for $49. (amount_invalid)');
  const shown = formatPrice({ amountMinor: amount, currency: core.config.DEFAULT_CURRENCY, interval: 'month' });
  if (action === 'create') {
    const name = args.name?.trim() || planId;
    const buttons = await context.confirm(
      'plan_create',
      { plan: planId, amount, name },
      { confirm: 'Create', keep: 'Do nothing', style: 'primary' },
    );
    return privateReply(`Create tier **${name}** (\`${planId}\`) at ${shown}?`, { buttons });
  }
  const plan = await core.catalog.getPlan(planId);
  const buttons = await context.confirm(
    'plan_price',
    { plan: planId, amount },
    { confirm: 'Change price', keep: 'Do nothing', style: 'primary' },
  );
  return privateReply(
    `Change **${plan.name}** to ${shown} for new subscribers? Existing subscribers keep their price.`,
    {
      buttons,
    },
  );
};
