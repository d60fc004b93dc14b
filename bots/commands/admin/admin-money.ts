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

/** /admin stats: MRR, active members by plan, new and churned this month. */
export const adminStats: CommandHandler = async ({ core }) => {
  const summary = await core.stats.summary();
  const mrr =
    summary.mrr.map((entry) => formatMoney(entry.amount_minor, entry.currency)).join(' + ') ||
    formatMoney(0, core.config.DEFAULT_CURRENCY);
  const active = Object.entries(summary.activeByPlan)
    .map(([plan, count]) => `${plan}: ${count}`)
    .join(', ');
  return privateReply('This month so far.', {
    title: 'Business',
    fields: [
      { label: 'MRR', value: mrr },
      { label: 'Active by plan', value: active || '—' },
      { label: 'New subscriptions', value: String(summary.newThisMonth) },
      { label: 'Churned', value: String(summary.churnedThisMonth) },
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
