import type { PlanWithPrices } from '../../core/catalog/catalog-service.js';
import type { CommandHandler } from '../command-context.js';
import type { ReplyButton } from '../command-types.js';
import { formatPrice } from '../reply-format.js';

const quotaLine = (quotas: Record<string, number>) => {
  const parts: string[] = [];
  if (quotas.signals_per_day !== undefined) parts.push(`${quotas.signals_per_day} signals/day`);
  if (quotas.signal_delay_seconds) parts.push(`${Math.round(quotas.signal_delay_seconds / 60)}-minute delay`);
  if (quotas.api_rpm !== undefined) parts.push(`API ${quotas.api_rpm} rpm`);
  return parts.join(', ');
};

const priceLine = (plan: PlanWithPrices) => {
  if (plan.contactSales) return 'custom pricing, talk to us';
  const prices = plan.prices.filter((price) => price.active);
  return prices.length === 0 ? 'free' : prices.map(formatPrice).join(' · ');
};

/** /tiers: every active tier with its price and contents, the member's own marked, buttons to buy. */
export const tiersCommand: CommandHandler = async ({ core, userId, actor }) => {
  const [plans, entitlement] = await Promise.all([
    core.catalog.listPlans(),
    core.entitlements.get(userId),
    core.funnel.recordView({ event: 'tiers_viewed', platform: actor.platform, userId }),
  ]);
  const tiers = plans.filter((plan) => plan.kind === 'tier').sort((left, right) => left.rank - right.rank);
  const addons = plans.filter((plan) => plan.kind === 'addon');
  const buttons: ReplyButton[] = [];
  const fields = tiers.map((plan) => {
    const current = plan.id === entitlement.tier;
    const purchasable = !plan.contactSales && plan.prices.some((price) => price.active && price.interval === 'month');
    if (purchasable && !current)
      buttons.push({ label: `Get ${plan.name}`, action: `sub:${plan.id}`, style: 'primary' });
    return {
      label: `${plan.name} — ${priceLine(plan)}${current ? '  ← your plan' : ''}`,
      value: [plan.description, quotaLine(plan.quotas)].filter(Boolean).join('\n'),
    };
  });
  if (addons.length > 0)
    fields.push({
      label: 'Add-ons',
      value: addons.map((plan) => `${plan.name} (${priceLine(plan)})`).join(', '),
    });
  return {
    title: 'Plans',
    text: 'Pick a plan: `/subscribe <plan> [card|crypto] [code]`, or press a button.',
    fields,
    buttons,
    private: true,
  };
};
