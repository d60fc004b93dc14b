import { toUnixSeconds } from './sandbox-billing-period.js';
import type { SandboxContext } from './sandbox-context.js';
import { subscriptionStateConflict } from './sandbox-errors.js';
import { toSandboxApiObject, updateSandboxObject } from './sandbox-store.js';
import {
  billNextPeriod,
  endSubscriptionNow,
  lockLiveSubscription,
  lockOverduePayment,
} from './sandbox-subscription-records.js';

/** What time and the bank do to a subscription: the next period is paid, fails, or is paid late. */
export function createSandboxRenewals(context: SandboxContext) {
  const { outbox, clock } = context;
  const nowSeconds = () => toUnixSeconds(clock.now());

  async function renewSubscription(subscriptionId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockLiveSubscription(transaction, subscriptionId);
      if (subscription.data.status === 'past_due')
        throw subscriptionStateConflict(subscriptionId, 'past_due', 'Recover or fail the overdue payment first.');
      if (subscription.data.cancel_at_period_end) {
        await endSubscriptionNow(transaction, emit, subscription, clock.now());
        return;
      }
      const billed = await billNextPeriod(transaction, subscription, 'succeeded', clock.now());
      await emit('payment.succeeded', toSandboxApiObject(billed.payment));
      await emit('subscription.updated', toSandboxApiObject(billed.subscription));
    });
    return eventIds;
  }

  /**
   * A renewal whose charge fails. As at card processors, the period still advances and the
   * subscription turns past_due; failing again while past_due is another attempt at the same payment.
   */
  async function failPayment(subscriptionId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockLiveSubscription(transaction, subscriptionId);
      const now = nowSeconds();
      if (subscription.data.status === 'past_due') {
        const overdue = await lockOverduePayment(transaction, subscription);
        const retried = await updateSandboxObject(
          transaction,
          overdue,
          { ...overdue.data, failed_at: now, attempt_count: overdue.data.attempt_count + 1 },
          clock.now(),
        );
        // Rewritten unchanged so its version (the snapshot stamp) moves with the new attempt.
        const touched = await updateSandboxObject(transaction, subscription, subscription.data, clock.now());
        await emit('payment.failed', toSandboxApiObject(retried));
        await emit('subscription.updated', toSandboxApiObject(touched));
        return;
      }
      if (subscription.data.cancel_at_period_end)
        throw subscriptionStateConflict(
          subscriptionId,
          subscription.data.status,
          'The subscription ends at period end, so there is no renewal to fail; renew it to end it.',
        );
      const billed = await billNextPeriod(transaction, subscription, 'failed', clock.now());
      await emit('payment.failed', toSandboxApiObject(billed.payment));
      await emit('subscription.updated', toSandboxApiObject(billed.subscription));
    });
    return eventIds;
  }

  /** The overdue payment finally goes through (same payment id, as an invoice paid late). */
  async function recoverPayment(subscriptionId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockLiveSubscription(transaction, subscriptionId);
      if (subscription.data.status !== 'past_due')
        throw subscriptionStateConflict(subscriptionId, subscription.data.status, 'The subscription is not past due.');
      const overdue = await lockOverduePayment(transaction, subscription);
      const paid = await updateSandboxObject(
        transaction,
        overdue,
        { ...overdue.data, status: 'succeeded', paid_at: nowSeconds() },
        clock.now(),
      );
      const active = await updateSandboxObject(
        transaction,
        subscription,
        { ...subscription.data, status: 'active' },
        clock.now(),
      );
      await emit('payment.succeeded', toSandboxApiObject(paid));
      await emit('subscription.updated', toSandboxApiObject(active));
    });
    return eventIds;
  }

  return { renewSubscription, failPayment, recoverPayment };
}
