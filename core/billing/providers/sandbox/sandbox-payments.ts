import { toUnixSeconds } from './sandbox-billing-period.js';
import type { SandboxContext } from './sandbox-context.js';
import {
  disputeNotFound,
  disputeNotOpen,
  paymentAlreadyDisputed,
  paymentNotDisputable,
  paymentNotFound,
  paymentNotSettled,
  refundAmountInvalid,
  refundExceedsPayment,
} from './sandbox-errors.js';
import { derivedSandboxId, randomSandboxId } from './sandbox-ids.js';
import {
  createSandboxObject,
  findSandboxObjects,
  readSandboxObject,
  toSandboxApiObject,
  updateSandboxObject,
} from './sandbox-store.js';

/** Money going back after a payment: refunds and the bank disputes that act like them. */
export function createSandboxPayments(context: SandboxContext) {
  const { outbox, clock, webhookSecret } = context;
  const nowSeconds = () => toUnixSeconds(clock.now());

  /**
   * Refunds part or (with null) the rest of a payment and reports the cumulative amount, as
   * charge.refunded does. With an idempotency key, a retry returns the first refund and sends nothing.
   */
  async function refundPayment(input: {
    paymentId: string;
    amountMinor: number | null;
    idempotencyKey: string | null;
  }): Promise<{ refundId: string; eventIds: string[] }> {
    const { result, eventIds } = await outbox.run(async (transaction, emit) => {
      // Locking the payment serializes refunds of it, so two can never both fit in what remains.
      const payment = await readSandboxObject(transaction, 'payment', input.paymentId, { forUpdate: true });
      if (!payment) throw paymentNotFound(input.paymentId);
      const refundId = input.idempotencyKey
        ? derivedSandboxId('refund', webhookSecret, input.idempotencyKey)
        : randomSandboxId('refund');
      if (input.idempotencyKey && (await readSandboxObject(transaction, 'refund', refundId))) return refundId;
      if (payment.data.status !== 'succeeded') throw paymentNotSettled(payment.id);
      if (input.amountMinor !== null && (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0))
        throw refundAmountInvalid(input.amountMinor);
      const refundable = payment.data.amount_minor - payment.data.amount_refunded_minor;
      const amount = input.amountMinor ?? refundable;
      if (amount > refundable || amount <= 0) throw refundExceedsPayment(payment.id, amount, refundable);
      const now = nowSeconds();
      await createSandboxObject(
        transaction,
        'refund',
        refundId,
        {
          payment: payment.id,
          amount_minor: amount,
          currency: payment.data.currency,
          idempotency_key: input.idempotencyKey,
          created: now,
        },
        clock.now(),
      );
      const refunded = await updateSandboxObject(
        transaction,
        payment,
        { ...payment.data, amount_refunded_minor: payment.data.amount_refunded_minor + amount },
        clock.now(),
      );
      await emit('charge.refunded', toSandboxApiObject(refunded));
      return refundId;
    });
    return { refundId: result, eventIds };
  }

  /** One dispute per payment, for what the customer has not already been refunded. */
  async function openDispute(paymentId: string): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const payment = await readSandboxObject(transaction, 'payment', paymentId, { forUpdate: true });
      if (!payment) throw paymentNotFound(paymentId);
      if (payment.data.status !== 'succeeded') throw paymentNotDisputable(paymentId, 'it was never paid');
      const disputable = payment.data.amount_minor - payment.data.amount_refunded_minor;
      if (disputable <= 0) throw paymentNotDisputable(paymentId, 'it is fully refunded');
      const [existing] = await findSandboxObjects(transaction, 'dispute', 'payment', paymentId);
      if (existing) throw paymentAlreadyDisputed(paymentId, existing.id);
      const dispute = await createSandboxObject(
        transaction,
        'dispute',
        randomSandboxId('dispute'),
        {
          payment: paymentId,
          customer: payment.data.customer,
          amount_minor: disputable,
          currency: payment.data.currency,
          status: 'open',
          closed_at: null,
          created: nowSeconds(),
        },
        clock.now(),
      );
      await emit('dispute.created', toSandboxApiObject(dispute));
    });
    return eventIds;
  }

  async function closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<string[]> {
    const { eventIds } = await outbox.run(async (transaction, emit) => {
      const dispute = await readSandboxObject(transaction, 'dispute', disputeId, { forUpdate: true });
      if (!dispute) throw disputeNotFound(disputeId);
      if (dispute.data.status !== 'open') throw disputeNotOpen(disputeId, dispute.data.status);
      const closed = await updateSandboxObject(
        transaction,
        dispute,
        { ...dispute.data, status: outcome, closed_at: nowSeconds() },
        clock.now(),
      );
      await emit('dispute.closed', toSandboxApiObject(closed));
    });
    return eventIds;
  }

  return { refundPayment, openDispute, closeDispute };
}
