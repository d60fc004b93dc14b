import type { Transaction } from '../../../../db/client.js';
import { addBillingIntervals, toUnixSeconds } from './sandbox-billing-period.js';
import { discountCoversPeriod, discountedTotal } from './sandbox-discounts.js';
import { paymentNotFound, subscriptionNotFound, subscriptionStateConflict } from './sandbox-errors.js';
import type { EmitSandboxEvent } from './sandbox-event-outbox.js';
import { randomSandboxId } from './sandbox-ids.js';
import type { SandboxFields } from './sandbox-objects.js';
import {
  createSandboxObject,
  readSandboxObject,
  type SandboxRecord,
  toSandboxApiObject,
  updateSandboxObject,
} from './sandbox-store.js';

export type SubscriptionRecord = SandboxRecord<'subscription'>;
export type SubscriptionFields = SandboxFields<'subscription'>;

/** A payment for one period of a subscription, carrying its lines and metadata like an invoice. */
export function subscriptionPaymentFields(
  subscriptionId: string,
  subscription: SubscriptionFields,
  input: { status: 'succeeded' | 'failed'; amountMinor: number; periodStart: number; periodEnd: number; now: number },
): SandboxFields<'payment'> {
  return {
    kind: 'subscription',
    status: input.status,
    customer: subscription.customer,
    subscription: subscriptionId,
    checkout: subscription.checkout,
    lines: subscription.lines,
    amount_minor: input.amountMinor,
    currency: subscription.currency,
    amount_refunded_minor: 0,
    metadata: subscription.metadata,
    period_start: input.periodStart,
    period_end: input.periodEnd,
    paid_at: input.status === 'succeeded' ? input.now : null,
    failed_at: input.status === 'failed' ? input.now : null,
    attempt_count: 1,
    created: input.now,
  };
}

export const nextPeriod = (subscription: SubscriptionFields) => {
  const periodNumber = subscription.period_number + 1;
  return {
    period_number: periodNumber,
    current_period_start: subscription.current_period_end,
    current_period_end: addBillingIntervals(subscription.billing_cycle_anchor, subscription.interval, periodNumber + 1),
  };
};

/**
 * The next period's price, less the discount when its duration covers that period, plus
 * pending proration; a credit larger than the price carries over.
 */
export const chargeForNextPeriod = (subscription: SubscriptionFields) => {
  const { discount } = subscription;
  const covered = discount ? discountCoversPeriod(discount, subscription, subscription.period_number + 1) : false;
  const owed = discountedTotal(subscription.lines, discount, covered).total + subscription.pending_proration_minor;
  return { amountMinor: Math.max(0, owed), remainingProrationMinor: Math.min(0, owed) };
};

/** The subscription as it is once over; an earlier cancellation keeps its own time. */
export const endedFields = (subscription: SubscriptionFields, now: number): SubscriptionFields => ({
  ...subscription,
  status: 'canceled',
  ended_at: now,
  canceled_at: subscription.canceled_at ?? now,
});

/** Ends the subscription now and says so (subscription.deleted). */
export async function endSubscriptionNow(
  transaction: Transaction,
  emit: EmitSandboxEvent,
  subscription: SubscriptionRecord,
  now: Date,
): Promise<SubscriptionRecord> {
  const ended = await updateSandboxObject(
    transaction,
    subscription,
    endedFields(subscription.data, toUnixSeconds(now)),
    now,
  );
  await emit('subscription.deleted', toSandboxApiObject(ended));
  return ended;
}

/**
 * Bills the next period: a payment with the given outcome, and the subscription moved on to
 * that period (past_due when the charge failed; the period advances either way, as at card processors).
 */
export async function billNextPeriod(
  transaction: Transaction,
  subscription: SubscriptionRecord,
  outcome: 'succeeded' | 'failed',
  now: Date,
) {
  const period = nextPeriod(subscription.data);
  const charge = chargeForNextPeriod(subscription.data);
  const paymentId = randomSandboxId('payment');
  const payment = await createSandboxObject(
    transaction,
    'payment',
    paymentId,
    subscriptionPaymentFields(subscription.id, subscription.data, {
      status: outcome,
      amountMinor: charge.amountMinor,
      periodStart: period.current_period_start,
      periodEnd: period.current_period_end,
      now: toUnixSeconds(now),
    }),
    now,
  );
  const billed = await updateSandboxObject(
    transaction,
    subscription,
    {
      ...subscription.data,
      ...period,
      ...(outcome === 'failed' ? { status: 'past_due' as const } : {}),
      latest_payment: paymentId,
      pending_proration_minor: charge.remainingProrationMinor,
    },
    now,
  );
  return { payment, subscription: billed };
}

export async function lockSubscription(transaction: Transaction, subscriptionId: string): Promise<SubscriptionRecord> {
  const subscription = await readSandboxObject(transaction, 'subscription', subscriptionId, { forUpdate: true });
  if (!subscription) throw subscriptionNotFound(subscriptionId);
  return subscription;
}

/** Locks a subscription that can still change: an ended one is a state conflict. */
export async function lockLiveSubscription(transaction: Transaction, subscriptionId: string) {
  const subscription = await lockSubscription(transaction, subscriptionId);
  refuseWhenEnded(subscription);
  return subscription;
}

export function refuseWhenEnded(subscription: SubscriptionRecord): void {
  if (subscription.data.status === 'canceled')
    throw subscriptionStateConflict(subscription.id, 'canceled', `Sandbox subscription ${subscription.id} has ended.`);
}

/** The failed payment a past-due subscription owes, locked; anything else is a state conflict. */
export async function lockOverduePayment(transaction: Transaction, subscription: SubscriptionRecord) {
  const paymentId = subscription.data.latest_payment;
  const payment = paymentId ? await readSandboxObject(transaction, 'payment', paymentId, { forUpdate: true }) : null;
  if (paymentId && !payment) throw paymentNotFound(paymentId);
  if (payment?.data.status === 'failed') return payment;
  throw subscriptionStateConflict(subscription.id, subscription.data.status, 'There is no overdue payment.');
}
