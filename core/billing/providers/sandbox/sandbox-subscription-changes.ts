import type { CheckoutLine, PlanChangePreview } from '../../../ports/payment-provider.js';
import { subscriptionEnded } from '../../subscription-errors.js';
import { fromUnixSeconds, toUnixSeconds } from './sandbox-billing-period.js';
import type { SandboxContext } from './sandbox-context.js';
import { planChangeInvalid, subscriptionNotFound } from './sandbox-errors.js';
import { sandboxLinesTotal, toSandboxLine } from './sandbox-objects.js';
import { sandboxProrationMinor } from './sandbox-proration.js';
import { readSandboxObject, toSandboxApiObject, updateSandboxObject } from './sandbox-store.js';
import {
  chargeForNextPeriod,
  endSubscriptionNow,
  lockLiveSubscription,
  lockSubscription,
  refuseWhenEnded,
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
  /**
   * The tier swap both changePlan and its preview make: the same checks and the same proration,
   * so the preview a member confirms is exactly what the change records.
   */
  function planSwap(subscription: SubscriptionRecord, line: CheckoutLine, prorate: boolean, nowSeconds: number) {
    const { interval, currency, lines, current_period_start, current_period_end } = subscription.data;
    if (line.interval !== interval)
      throw planChangeInvalid(`The sandbox only changes plans within the same interval (${interval}).`, {
        interval: line.interval,
      });
    if (line.currency !== currency)
      throw planChangeInvalid(`The new price must be in the subscription's currency (${currency}).`, {
        currency: line.currency,
      });
    const [current, ...addons] = lines;
    const replacement = toSandboxLine(line);
    const unchanged = current?.plan_price_id === replacement.plan_price_id && current.quantity === replacement.quantity;
    const prorationMinor =
      prorate && current && !unchanged
        ? sandboxProrationMinor(
            sandboxLinesTotal([replacement]) - sandboxLinesTotal([current]),
            current_period_start,
            current_period_end,
            nowSeconds,
          )
        : 0;
    return { unchanged, lines: [replacement, ...addons], prorationMinor };
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
      const swap = planSwap(subscription, input.line, input.prorate, nowSeconds());
      if (swap.unchanged) return subscription;
      const changed = await updateSandboxObject(
        transaction,
        subscription,
        {
          ...subscription.data,
          lines: swap.lines,
          pending_proration_minor: subscription.data.pending_proration_minor + swap.prorationMinor,
        },
        clock.now(),
      );
      await emit('subscription.updated', toSandboxApiObject(changed));
      return changed;
    });
    return result;
  }

  /** What changePlan with proration at `prorateAt` would record and bill next, changing nothing. */
  async function previewPlanChange(input: {
    providerSubscriptionId: string;
    line: CheckoutLine;
    prorateAt: Date;
  }): Promise<PlanChangePreview> {
    const subscription = await readSandboxObject(context.db, 'subscription', input.providerSubscriptionId);
    if (!subscription) throw subscriptionNotFound(input.providerSubscriptionId);
    refuseWhenEnded(subscription);
    const swap = planSwap(subscription, input.line, true, toUnixSeconds(input.prorateAt));
    const changed = {
      ...subscription.data,
      lines: swap.lines,
      pending_proration_minor: subscription.data.pending_proration_minor + swap.prorationMinor,
    };
    return {
      currency: subscription.data.currency,
      prorationMinor: swap.prorationMinor,
      nextInvoiceMinor: chargeForNextPeriod(changed).amountMinor,
      nextInvoiceAt: fromUnixSeconds(subscription.data.current_period_end),
      recurringMinor: sandboxLinesTotal(swap.lines),
    };
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

  return { changePlan, previewPlanChange, cancel, resume, endSubscription };
}
