import type { Transaction } from '../../../../db/client.js';
import type { CreateCheckoutInput } from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { addBillingIntervals, fromUnixSeconds, toUnixSeconds } from './sandbox-billing-period.js';
import type { SandboxContext } from './sandbox-context.js';
import { discountedTotal, toSandboxDiscount } from './sandbox-discounts.js';
import { checkoutInvalid, checkoutNotFound, checkoutNotOpen } from './sandbox-errors.js';
import { derivedSandboxId, randomSandboxId } from './sandbox-ids.js';
import { type SandboxFields, type SandboxLine, toSandboxLine } from './sandbox-objects.js';
import {
  createSandboxObject,
  insertSandboxObject,
  readSandboxObject,
  type SandboxRecord,
  toSandboxApiObject,
  updateSandboxObject,
} from './sandbox-store.js';
import { subscriptionPaymentFields } from './sandbox-subscription-records.js';

const checkoutLifetimeSeconds = 24 * 60 * 60;

/** What the hosted checkout page shows and where it sends the member afterwards. */
export interface SandboxCheckoutView {
  id: string;
  /** `expired` is derived: an open checkout past its expiry can no longer be paid. */
  status: 'open' | 'completed' | 'declined' | 'expired';
  mode: 'subscription' | 'payment';
  lines: {
    planName: string;
    amountMinor: number;
    currency: string;
    interval: SandboxLine['interval'];
    quantity: number;
  }[];
  /** What the member pays now, after the discount. */
  amountTotalMinor: number;
  /** Taken off by a promo code (0 without one). */
  amountDiscountMinor: number;
  /** The promo code applied, if any. */
  discountCode: string | null;
  currency: string;
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
  providerSubscriptionId: string | null;
  providerPaymentId: string | null;
}

const effectiveStatus = (checkout: SandboxRecord<'checkout'>, nowSeconds: number): SandboxCheckoutView['status'] =>
  checkout.data.status === 'open' && checkout.data.expires_at <= nowSeconds ? 'expired' : checkout.data.status;

/** The single interval a subscription checkout bills on, or null when its lines do not agree. */
function recurringInterval(lines: SandboxLine[]): 'month' | 'year' | null {
  const intervals = new Set(lines.map((line) => line.interval));
  const [interval] = intervals;
  return intervals.size === 1 && (interval === 'month' || interval === 'year') ? interval : null;
}

/** Locks a checkout that can still be paid or declined; anything else is refused. */
async function lockOpenCheckout(transaction: Transaction, checkoutId: string, nowSeconds: number) {
  const checkout = await readSandboxObject(transaction, 'checkout', checkoutId, { forUpdate: true });
  if (!checkout) throw checkoutNotFound(checkoutId);
  const status = effectiveStatus(checkout, nowSeconds);
  if (status !== 'open') throw checkoutNotOpen(checkoutId, status);
  return checkout;
}

export function createSandboxCheckouts(context: SandboxContext) {
  const { db, clock, outbox, webhookSecret, publicUrl } = context;
  const nowSeconds = () => toUnixSeconds(clock.now());

  /** One customer per user: its id is derived from the user id, so concurrent calls agree. */
  async function ensureCustomer(input: { userId: string; email: string | null }): Promise<string> {
    const id = derivedSandboxId('customer', webhookSecret, input.userId);
    await insertSandboxObject(
      db,
      'customer',
      id,
      { user_id: input.userId, email: input.email, created: nowSeconds() },
      clock.now(),
    );
    return id;
  }

  /** The same idempotency key names the same checkout, so a retried request gets the first link back. */
  async function createCheckout(
    input: CreateCheckoutInput,
  ): Promise<{ providerSessionId: string; url: string; expiresAt: Date }> {
    const lines = input.lines.map(toSandboxLine);
    const [first] = lines;
    if (!first) throw checkoutInvalid('A sandbox checkout needs at least one line.');
    if (lines.some((line) => line.currency !== first.currency))
      throw checkoutInvalid('All lines of a sandbox checkout must share one currency.');
    if (input.mode === 'subscription' && !recurringInterval(lines))
      throw checkoutInvalid('A subscription checkout needs recurring lines that share one interval (month or year).');
    const id = derivedSandboxId('checkout', webhookSecret, input.idempotencyKey);
    const customer = input.providerCustomerId ?? (await ensureCustomer({ userId: input.userId, email: input.email }));
    const created = nowSeconds();
    const discount = input.discount ? toSandboxDiscount(input.discount) : null;
    // The first invoice of every duration is discounted, so the checkout shows that price.
    const firstInvoice = discountedTotal(lines, discount, true);
    await insertSandboxObject(
      db,
      'checkout',
      id,
      {
        mode: input.mode,
        status: 'open',
        user_id: input.userId,
        customer,
        lines,
        amount_total: firstInvoice.total,
        amount_discount: firstInvoice.discount,
        discount,
        currency: first.currency,
        metadata: {
          ...input.metadata,
          [metadataKeys.userId]: input.userId,
          [metadataKeys.checkoutId]: input.checkoutId,
        },
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        idempotency_key: input.idempotencyKey,
        expires_at: input.expiresAt ? toUnixSeconds(input.expiresAt) : created + checkoutLifetimeSeconds,
        completed_at: null,
        declined_at: null,
        subscription: null,
        payment: null,
        created,
      },
      clock.now(),
    );
    const checkout = await readSandboxObject(db, 'checkout', id);
    if (!checkout) throw checkoutNotFound(id);
    return {
      providerSessionId: id,
      url: `${publicUrl}/sandbox/checkout/${id}`,
      expiresAt: fromUnixSeconds(checkout.data.expires_at),
    };
  }

  async function getCheckout(checkoutId: string): Promise<SandboxCheckoutView> {
    const checkout = await readSandboxObject(db, 'checkout', checkoutId);
    if (!checkout) throw checkoutNotFound(checkoutId);
    const { data } = checkout;
    return {
      id: checkout.id,
      status: effectiveStatus(checkout, nowSeconds()),
      mode: data.mode,
      lines: data.lines.map((line) => ({
        planName: line.plan_name,
        amountMinor: line.amount_minor,
        currency: line.currency,
        interval: line.interval,
        quantity: line.quantity,
      })),
      amountTotalMinor: data.amount_total,
      amountDiscountMinor: data.amount_discount ?? 0,
      discountCode: data.discount?.coupon ?? null,
      currency: data.currency,
      expiresAt: fromUnixSeconds(data.expires_at),
      successUrl: data.success_url,
      cancelUrl: data.cancel_url,
      providerSubscriptionId: data.subscription,
      providerPaymentId: data.payment,
    };
  }

  /**
   * The member pays. The checkout row is locked and must still be open, so paying twice (even
   * concurrently) is refused and creates nothing.
   */
  async function payCheckout(checkoutId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const now = nowSeconds();
      const checkout = await lockOpenCheckout(transaction, checkoutId, now);
      const { data } = checkout;
      const completion = { status: 'completed', completed_at: now } as const;

      if (data.mode === 'payment') {
        const payment = await createSandboxObject(
          transaction,
          'payment',
          randomSandboxId('payment'),
          {
            kind: 'one_time',
            status: 'succeeded',
            customer: data.customer,
            subscription: null,
            checkout: checkout.id,
            lines: data.lines,
            amount_minor: data.amount_total,
            currency: data.currency,
            amount_refunded_minor: 0,
            metadata: data.metadata,
            period_start: null,
            period_end: null,
            paid_at: now,
            failed_at: null,
            attempt_count: 1,
            created: now,
          },
          clock.now(),
        );
        const completed = await updateSandboxObject(
          transaction,
          checkout,
          { ...data, ...completion, payment: payment.id },
          clock.now(),
        );
        const paymentObject = toSandboxApiObject(payment);
        await emit('checkout.completed', { ...toSandboxApiObject(completed), payment: paymentObject });
        await emit('payment.succeeded', paymentObject);
        return;
      }

      const interval = recurringInterval(data.lines);
      if (!interval) throw checkoutInvalid('The checkout has no single recurring interval.', { checkoutId });
      const subscriptionId = randomSandboxId('subscription');
      const paymentId = randomSandboxId('payment');
      const subscriptionFields: SandboxFields<'subscription'> = {
        status: 'active',
        customer: data.customer,
        lines: data.lines,
        interval,
        currency: data.currency,
        metadata: data.metadata,
        checkout: checkout.id,
        billing_cycle_anchor: now,
        period_number: 0,
        current_period_start: now,
        current_period_end: addBillingIntervals(now, interval, 1),
        cancel_at_period_end: false,
        canceled_at: null,
        ended_at: null,
        latest_payment: paymentId,
        pending_proration_minor: 0,
        discount: data.discount ?? null,
        created: now,
      };
      const subscription = await createSandboxObject(
        transaction,
        'subscription',
        subscriptionId,
        subscriptionFields,
        clock.now(),
      );
      const payment = await createSandboxObject(
        transaction,
        'payment',
        paymentId,
        subscriptionPaymentFields(subscriptionId, subscriptionFields, {
          status: 'succeeded',
          amountMinor: data.amount_total,
          periodStart: subscriptionFields.current_period_start,
          periodEnd: subscriptionFields.current_period_end,
          now,
        }),
        clock.now(),
      );
      const completed = await updateSandboxObject(
        transaction,
        checkout,
        { ...data, ...completion, subscription: subscriptionId },
        clock.now(),
      );
      // Subscriptions are paid by their first payment, not by the checkout (as with invoices).
      await emit('checkout.completed', { ...toSandboxApiObject(completed), payment: null });
      await emit('subscription.created', toSandboxApiObject(subscription));
      await emit('payment.succeeded', toSandboxApiObject(payment));
    });
    return eventIds;
  }

  async function declineCheckout(checkoutId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const now = nowSeconds();
      const checkout = await lockOpenCheckout(transaction, checkoutId, now);
      const declined = await updateSandboxObject(
        transaction,
        checkout,
        { ...checkout.data, status: 'declined', declined_at: now },
        clock.now(),
      );
      await emit('checkout.declined', { ...toSandboxApiObject(declined), payment: null });
    });
    return eventIds;
  }

  return { ensureCustomer, createCheckout, getCheckout, payCheckout, declineCheckout };
}
