import { type CreatePromotionInput, createPromotionSchema } from '../../../core/promotions/promotion-schemas.js';
import { type CommandContext, type CommandHandler, privateReply } from '../../command-context.js';
import type { CommandReply } from '../../command-types.js';
import { formatDate } from '../../reply-format.js';

const dayMs = 86_400_000;
/** Words a moderator may type for "no limit" in the optional positions. */
const anything = new Set(['any', 'all', '*', '-', 'unlimited', 'none']);

const invalid = (text: string) => privateReply(`${text} (promo_invalid)`);

/**
 * `20%` is a percent off; a plain number is an amount off in minor units of the shop's
 * currency (`500` is $5.00), as /admin plans takes prices.
 */
function parseValue(value: string): Pick<CreatePromotionInput, 'percent_off' | 'amount_off_minor'> | undefined {
  const percent = /^(\d{1,3})%$/.exec(value);
  if (percent) return { percent_off: Number(percent[1]) };
  if (/^\d{1,9}$/.test(value)) return { amount_off_minor: Number(value) };
  return undefined;
}

/** `once` (default), `forever`, or a number of months (`3` or `3m`). */
function parseDuration(value: string | undefined): Pick<CreatePromotionInput, 'duration' | 'duration_in_months'> {
  const word = (value ?? 'once').toLowerCase();
  if (word === 'once' || word === 'forever') return { duration: word };
  const months = /^(\d{1,3})m?$/.exec(word);
  return months ? { duration: 'repeating', duration_in_months: Number(months[1]) } : { duration: 'once' };
}

function optionalInteger(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined || anything.has(value.toLowerCase())) return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : 'invalid';
}

async function askToCreate(context: CommandContext, args: Record<string, string | undefined>): Promise<CommandReply> {
  const { core } = context;
  if (!args.code || !args.value)
    return invalid(
      'Usage: /admin promo create <code> <20% or amount in cents> [plan] [uses] [days] [once|forever|months].',
    );
  const value = parseValue(args.value);
  if (!value) return invalid('Give the discount as a percent (20%) or an amount in minor units (500 for $5.00).');
  const uses = optionalInteger(args.uses);
  const days = optionalInteger(args.days);
  if (uses === 'invalid' || days === 'invalid') return invalid('Uses and days are whole numbers (or "any").');
  const plan = args.plan && !anything.has(args.plan.toLowerCase()) ? args.plan.toLowerCase() : undefined;
  const parsed = createPromotionSchema.safeParse({
    code: args.code,
    ...value,
    ...parseDuration(args.duration),
    plan_ids: plan ? [plan] : [],
    ...(uses === undefined ? {} : { max_redemptions: uses }),
    ...(days === undefined ? {} : { expires_at: new Date(core.clock.now().getTime() + days * dayMs).toISOString() }),
  });
  if (!parsed.success)
    return invalid(`That promo code is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}.`);
  if (plan) await core.catalog.getPlan(plan);
  const input = { ...parsed.data, code: parsed.data.code.toUpperCase() };
  const description = core.promotions.describe({
    percentOff: input.percent_off ?? null,
    amountOffMinor: input.amount_off_minor ?? null,
    currency: input.amount_off_minor === undefined ? null : core.config.DEFAULT_CURRENCY,
    duration: input.duration,
    durationInMonths: input.duration_in_months ?? null,
  });
  const limits = [
    plan ? `for ${plan} only` : 'for every tier',
    input.max_redemptions === undefined ? 'unlimited uses' : `up to ${input.max_redemptions} uses`,
    input.expires_at === undefined ? 'no expiry' : `until ${formatDate(input.expires_at)}`,
  ];
  const buttons = await context.confirm(
    'promo_create',
    { input: JSON.stringify(input) },
    { confirm: 'Create', keep: 'Do nothing', style: 'primary' },
  );
  return privateReply(`Create promo code **${input.code}**: ${description}, ${limits.join(', ')}?`, { buttons });
}

/** /admin promo [list | create <code> <percent or amount> [plan] [uses] [days] [duration] | disable <code>] */
export const adminPromo: CommandHandler = async (context, args) => {
  const { core } = context;
  const action = (args.action ?? 'list').toLowerCase();
  if (action === 'list') {
    const promotions = await core.promotions.list();
    return privateReply(promotions.length ? `${promotions.length} promo codes.` : 'No promo codes yet.', {
      title: 'Promo codes',
      fields: promotions.map((promotion) => ({
        label: `${promotion.code}${promotion.active ? '' : ' (disabled)'}`,
        value: [
          promotion.description,
          promotion.plan_ids.length ? promotion.plan_ids.join(', ') : 'every tier',
          `used ${promotion.redemptions}${promotion.max_redemptions === null ? '' : ` of ${promotion.max_redemptions}`}`,
          promotion.expires_at ? `until ${formatDate(promotion.expires_at)}` : 'no expiry',
        ].join(' · '),
      })),
    });
  }
  if (action === 'create') return askToCreate(context, args);
  if (action === 'disable') {
    if (!args.code) return invalid('Usage: /admin promo disable <code>.');
    const promotion = await core.promotions.get(args.code);
    if (!promotion.active) return privateReply(`**${promotion.code}** is already disabled.`);
    const buttons = await context.confirm(
      'promo_disable',
      { code: promotion.code },
      { confirm: 'Disable', keep: 'Keep it', style: 'danger' },
    );
    return privateReply(
      `Disable **${promotion.code}** (${promotion.description}, used ${promotion.redemptions} times)? Nobody can redeem it afterwards.`,
      { buttons },
    );
  }
  return invalid('Use /admin promo list, create or disable.');
};

/** What the Confirm buttons of /admin promo do; the moderator check runs again when pressed. */
export const promoConfirmedActions = {
  promo_create: {
    moderatorOnly: true,
    run: async ({ core, actorTag }: CommandContext, payload: Record<string, string | number>) => {
      const input = createPromotionSchema.parse(JSON.parse(String(payload.input)));
      const promotion = await core.promotions.create(input, actorTag);
      return privateReply(
        `Created promo code **${promotion.code}**: ${promotion.description}. Members use it with /redeem ${promotion.code}.`,
      );
    },
  },
  promo_disable: {
    moderatorOnly: true,
    run: async ({ core, actorTag }: CommandContext, payload: Record<string, string | number>) => {
      const promotion = await core.promotions.disable(String(payload.code), actorTag);
      return privateReply(`**${promotion.code}** is disabled: it can no longer be redeemed.`);
    },
  },
};
