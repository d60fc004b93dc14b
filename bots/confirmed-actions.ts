import { createPlanSchema } from '../core/catalog/plan-schemas.js';
import { type CommandContext, type ConfirmedActionKind, privateReply } from './command-context.js';
import type { CommandReply } from './command-types.js';
import { promoConfirmedActions } from './commands/admin/admin-promo.js';
import { formatDate, formatPrice } from './reply-format.js';

type ConfirmedAction = (context: CommandContext, payload: Record<string, string | number>) => Promise<CommandReply>;

/** What a Confirm button does once pressed by the member who asked. */
export const confirmedActions: Record<ConfirmedActionKind, { moderatorOnly: boolean; run: ConfirmedAction }> = {
  cancel: {
    moderatorOnly: false,
    run: async ({ core, userId, actorTag }) => {
      const result = await core.subscriptions.cancel({ userId, atPeriodEnd: true }, actorTag);
      return privateReply(
        `Canceled. You keep access until ${formatDate(result.subscription?.current_period_end)}; no further charges.`,
      );
    },
  },
  change_plan: {
    moderatorOnly: false,
    run: async ({ core, userId, actorTag }, payload) => {
      const result = await core.subscriptions.changePlan(
        { userId, planId: String(payload.plan), prorate: true },
        actorTag,
      );
      return privateReply(
        `Switched to **${result.subscription?.plan_id ?? payload.plan}**. The difference is prorated on your next invoice.`,
      );
    },
  },
  refund: {
    moderatorOnly: true,
    run: async ({ core, actorTag }, payload) => {
      const result = await core.subscriptions.refund(
        { purchaseId: String(payload.payment), amountMinor: null, reason: 'refunded by a moderator' },
        actorTag,
      );
      return privateReply(
        `Refund of ${result.amount_minor} minor units requested (${result.provider_refund_id}). Access changes when the provider confirms.`,
      );
    },
  },
  plan_create: {
    moderatorOnly: true,
    run: async ({ core, actorTag }, payload) => {
      const plans = await core.catalog.listPlans({ includeInactive: true });
      const input = createPlanSchema.parse({
        id: payload.plan,
        kind: 'tier',
        name: payload.name,
        rank: Math.max(0, ...plans.map((plan) => plan.rank)) + 10,
        prices: [{ interval: 'month', amount_minor: payload.amount }],
      });
      const plan = await core.catalog.createPlan(input, actorTag);
      return privateReply(`Created **${plan.name}** (\`${plan.id}\`). Add its roles and channels with the admin API.`);
    },
  },
  plan_price: {
    moderatorOnly: true,
    run: async ({ core, actorTag }, payload) => {
      const plan = await core.catalog.updatePlan(
        String(payload.plan),
        { prices: [{ interval: 'month', amount_minor: Number(payload.amount) }] },
        actorTag,
      );
      const price = plan.prices.find((candidate) => candidate.active && candidate.interval === 'month');
      return privateReply(`**${plan.name}** now costs ${price ? formatPrice(price) : 'nothing'} for new subscribers.`);
    },
  },
  ...promoConfirmedActions,
};
