import { type CommandHandler, privateReply } from '../../command-context.js';
import { formatMoney } from '../../reply-format.js';

/** /admin refund <payment>: asks first; the refund webhook then revokes access. */
export const adminRefund: CommandHandler = async (context, args) => {
  const paymentId = args.payment ?? '';
  if (!/^[0-9a-f-]{36}$/i.test(paymentId))
    return privateReply('Give the payment id shown by `/admin lookup`. (payment_id_invalid)');
  const buttons = await context.confirm(
    'refund',
    { payment: paymentId },
    { confirm: 'Refund', keep: 'Do nothing', style: 'danger' },
  );
  return privateReply(`Refund payment \`${paymentId}\` in full? The member loses the access it paid for.`, { buttons });
};

/**
 * /admin stats: the calendar month so far, from the same figures as `GET /admin/revenue`
 * (whose default period is this month too), so chat and web always agree.
 */
export const adminStats: CommandHandler = async ({ core }) => {
  const figures = await core.businessFigures.monthToDate();
  const mrr =
    figures.mrr.map((entry) => formatMoney(entry.amount_minor, entry.currency)).join(' + ') ||
    formatMoney(0, core.config.DEFAULT_CURRENCY);
  const perPlan = (counts: Array<{ plan_id: string; count: number }>) =>
    counts.map((entry) => `${entry.plan_id}: ${entry.count}`).join(', ') || '—';
  const churnRate =
    figures.churn_rate_bps === null
      ? '— (no subscriptions at the start of the month)'
      : `${(figures.churn_rate_bps / 100).toFixed(2)}% of ${figures.live_at_period_start}`;
  return privateReply('This calendar month (UTC) so far.', {
    title: 'Business',
    fields: [
      { label: 'MRR', value: mrr },
      { label: 'Active by plan', value: perPlan(figures.active_subscriptions) },
      { label: 'Granted by moderators (no money)', value: perPlan(figures.granted_by_plan) },
      { label: 'New subscriptions', value: String(figures.new_subscriptions) },
      { label: 'Churned', value: String(figures.churned_subscriptions) },
      { label: 'Churn rate', value: churnRate },
    ],
  });
};

/** /admin deadletters [replay <id>]: what the webhook inbox gave up on, and a replay. */
export const adminDeadLetters: CommandHandler = async ({ core, actorTag }, args) => {
  if (args.replay) {
    await core.paymentEvents.replay(args.replay, actorTag);
    return privateReply(`Event \`${args.replay}\` queued for replay.`);
  }
  const dead = await core.paymentEvents.list({ status: 'dead', limit: 10 });
  if (dead.length === 0) return privateReply('No dead letters. The inbox is healthy.');
  return privateReply(`${dead.length} dead letter(s); replay with \`/admin deadletters <id>\`.`, {
    fields: dead.map((event) => ({
      label: `${event.provider} ${event.event_type}`,
      value: `\`${event.id}\` after ${event.attempts} attempts: ${event.last_error ?? 'unknown error'}`,
    })),
  });
};
