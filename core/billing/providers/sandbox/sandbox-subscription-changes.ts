import type { CheckoutLine } from '../../../ports/payment-provider.js';
import { subscriptionEnded } from '../../subscription-errors.js';
import { toUnixSeconds } from './sandbox-billing-period.js';
import type { SandboxContext } from './sandbox-context.js';
import { planChangeInvalid } from './sandbox-errors.js';
import { sandboxLinesTotal, toSandboxLine } from './sandbox-objects.js';
import { toSandboxApiObject, updateSandboxObject } from './sandbox-store.js';
import {
  endSubscriptionNow,
  lockLiveSubscription,
  lockSubscription,
  type SubscriptionRecord,
} from './sandbox-subscription-records.js';

/** What the member or a moderator asks of a subscription: a new plan, a cancellation, an end. */
export function createSandboxSubscriptionChanges(context: SandboxContext) {
  const { outbox, clock } = context;
  const nowSeconds = () => toUnixSeconds(clock.now());

  async function endSubscription(subscriptionId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockLiveSubscription(transaction, subscriptionId);
      await endSubscriptionNow(transaction, emit, subscription, clock.now());
    });
    return eventIds;
  }

  /**
   * Swaps the tier (the first line). With proration, the price difference for the unused part
   * of the period is recorded and settled on the next period's payment. Asking for the price the
   * subscription already has changes nothing, which makes a retried call harmless.
   */
  async function changePlan(input: {
    providerSubscriptionId: string;
    line: CheckoutLine;
    prorate: boolean;
  }): Promise<SubscriptionRecord> {
    const { result } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockLiveSubscription(transaction, input.providerSubscriptionId);
      const { interval, currency, lines, current_period_start, current_period_end } = subscription.data;
      if (input.line.interval !== interval)
        throw planChangeInvalid(`The sandbox only changes plans within the same interval (${interval}).`, {
          interval: input.line.interval,
        });
      if (input.line.currency !== currency)
        throw planChangeInvalid(`The new price must be in the subscription's currency (${currency}).`, {
          currency: input.line.currency,
        });
      const [current, ...addons] = lines;
      const replacement = toSandboxLine(input.line);
      if (current?.plan_price_id === replacement.plan_price_id && current.quantity === replacement.quantity)
        return subscription;
      let prorationMinor = 0;
      if (input.prorate && current) {
        const periodLength = current_period_end - current_period_start;
        const unused =
          periodLength > 0 ? Math.min(1, Math.max(0, (current_period_end - nowSeconds()) / periodLength)) : 0;
        prorationMinor = Math.round((sandboxLinesTotal([replacement]) - sandboxLinesTotal([current])) * unused);
      }
      const changed = await updateSandboxObject(
        transaction,
        subscription,
        {
          ...subscription.data,
          lines: [replacement, ...addons],
          pending_proration_minor: subscription.data.pending_proration_minor + prorationMinor,
        },
        clock.now(),
      );
      await emit('subscription.updated', toSandboxApiObject(changed));
      return changed;
    });
    return result;
  }

  /** Cancelling what is already cancelled returns it unchanged, so retries emit nothing. */
  async function cancel(input: { providerSubscriptionId: string; atPeriodEnd: boolean }): Promise<SubscriptionRecord> {
    const { result } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockSubscription(transaction, input.providerSubscriptionId);
      if (subscription.data.status === 'canceled') return subscription;
      const now = nowSeconds();
      if (input.atPeriodEnd) {
        if (subscription.data.cancel_at_period_end) return subscription;
        const ending = await updateSandboxObject(
          transaction,
          subscription,
          { ...subscription.data, cancel_at_period_end: true, canceled_at: now },
          clock.now(),
        );
        await emit('subscription.updated', toSandboxApiObject(ending));
        return ending;
      }
      return endSubscriptionNow(transaction, emit, subscription, clock.now());
    });
    return result;
  }

  /**
   * Withdraws a cancel-at-period-end. One that is not canceling is returned unchanged, so a
   * retried resume emits nothing; an ended one cannot come back.
   */
  async function resume(input: { providerSubscriptionId: string }): Promise<SubscriptionRecord> {
    const { result } = await outbox.run(async (transaction, emit) => {
      const subscription = await lockSubscription(transaction, input.providerSubscriptionId);
      if (subscription.data.status === 'canceled')
        throw subscriptionEnded({ provider: 'sandbox', providerSubscriptionId: subscription.id });
      if (!subscription.data.cancel_at_period_end) return subscription;
      const resumed = await updateSandboxObject(
        transaction,
        subscription,
        { ...subscription.data, cancel_at_period_end: false, canceled_at: null },
        clock.now(),
      );
      await emit('subscription.updated', toSandboxApiObject(resumed));
      return resumed;
    });
    return result;
  }

  return { changePlan, cancel, resume, endSubscription };
}
