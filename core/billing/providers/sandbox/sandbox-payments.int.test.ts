import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutInput,
  createSandboxHarness,
  lifetimePass,
  type SandboxHarness,
} from '../../../testing/sandbox-test-harness.js';

let harness: SandboxHarness;
beforeAll(async () => {
  harness = await createSandboxHarness();
});
afterAll(() => harness.close());

/** A paid one-time payment of 29900; the checkout's deliveries are already consumed. */
async function paidPayment(): Promise<string> {
  const { providerSessionId } = await harness.provider.createCheckout(
    checkoutInput({ mode: 'payment', lines: [lifetimePass] }),
  );
  await harness.provider.payCheckout(providerSessionId);
  await harness.receive();
  return (await harness.provider.getCheckout(providerSessionId)).providerPaymentId!;
}

describe('sandbox refunds', () => {
  it('each refund reports the cumulative amount refunded of the payment', async () => {
    const paymentId = await paidPayment();
    await harness.provider.refundPayment(paymentId, 10000);
    await harness.provider.refundPayment(paymentId, 5000);
    const events = (await harness.receive()).map((item) => item.event);
    expect(events).toEqual([
      {
        kind: 'refund.updated',
        chargeReference: paymentId,
        providerChargeId: paymentId,
        providerCustomerId: expect.stringMatching(/^sbx_cus_/),
        amountRefundedMinor: 10000,
        amountMinor: 29900,
        currency: 'usd',
        occurredAt: harness.now(),
      },
      expect.objectContaining({ kind: 'refund.updated', amountRefundedMinor: 15000 }),
    ]);

    await harness.provider.refundPayment(paymentId, null);
    const [full] = await harness.receive();
    expect(full?.verified.eventType).toBe('charge.refunded');
    expect(full?.event).toMatchObject({ amountRefundedMinor: 29900 });
    expect(
      (await harness.provider.listObjects('refund')).filter((row) => row.data['payment'] === paymentId),
    ).toHaveLength(3);
  });

  it('refunding more than remains is refused and changes nothing', async () => {
    const paymentId = await paidPayment();
    await harness.provider.refundPayment(paymentId, 20000);
    await harness.receive();
    await expect(harness.provider.refundPayment(paymentId, 10000)).rejects.toMatchObject({
      code: 'sandbox_refund_exceeds_payment',
      status: 400,
      context: { requestedMinor: 10000, refundableMinor: 9900 },
    });
    await harness.provider.refundPayment(paymentId, null);
    await expect(harness.provider.refundPayment(paymentId, null)).rejects.toMatchObject({
      code: 'sandbox_refund_exceeds_payment',
    });
    const events = await harness.receive();
    expect(events.map((item) => item.event)).toEqual([expect.objectContaining({ amountRefundedMinor: 29900 })]);
  });

  it('a refund amount that is not a positive whole number is refused', async () => {
    const paymentId = await paidPayment();
    for (const amount of [0, -5, 1.5])
      await expect(harness.provider.refundPayment(paymentId, amount)).rejects.toMatchObject({
        code: 'sandbox_refund_amount_invalid',
      });
  });

  it('a failed payment cannot be refunded', async () => {
    const { providerSessionId } = await harness.provider.createCheckout(checkoutInput());
    await harness.provider.payCheckout(providerSessionId);
    const { providerSubscriptionId } = await harness.provider.getCheckout(providerSessionId);
    await harness.provider.failPayment(providerSubscriptionId!);
    const failed = (await harness.receive()).find((item) => item.event.kind === 'payment.failed')?.event;
    if (failed?.kind !== 'payment.failed') throw new Error('expected payment.failed');
    await expect(harness.provider.refundPayment(failed.providerPaymentId, null)).rejects.toMatchObject({
      code: 'sandbox_payment_not_settled',
    });
  });

  it('the port refund is idempotent on its key: a retry returns the first refund and sends nothing', async () => {
    const paymentId = await paidPayment();
    const request = {
      providerPaymentId: paymentId,
      chargeReference: paymentId,
      amountMinor: 1000,
      idempotencyKey: 'cm:refund:1',
    };
    const first = await harness.provider.refund(request);
    const retry = await harness.provider.refund(request);
    expect(first.providerRefundId).toMatch(/^sbx_re_/);
    expect(retry).toEqual(first);
    expect((await harness.receive()).map((item) => item.event)).toEqual([
      expect.objectContaining({ kind: 'refund.updated', amountRefundedMinor: 1000 }),
    ]);
  });

  it('an unknown payment is a 404', async () => {
    await expect(harness.provider.refundPayment('sbx_pay_missing', null)).rejects.toMatchObject({
      code: 'sandbox_payment_not_found',
      status: 404,
    });
  });
});

describe('sandbox disputes', () => {
  it('a dispute opens with dispute.created and closes once with its outcome', async () => {
    const paymentId = await paidPayment();
    await harness.provider.openDispute(paymentId);
    const [created] = await harness.receive();
    expect(created?.verified).toMatchObject({ eventType: 'dispute.created', handled: true });
    const opened = created?.event;
    if (opened?.kind !== 'dispute.updated') throw new Error('expected dispute.updated');
    expect(opened).toEqual({
      kind: 'dispute.updated',
      providerDisputeId: expect.stringMatching(/^sbx_dp_/),
      chargeReference: paymentId,
      providerChargeId: paymentId,
      status: 'open',
      amountMinor: 29900,
      currency: 'usd',
      occurredAt: harness.now(),
      openedAt: harness.now(),
    });
    await expect(harness.provider.openDispute(paymentId)).rejects.toMatchObject({
      code: 'sandbox_payment_already_disputed',
    });

    await harness.provider.closeDispute(opened.providerDisputeId, 'lost');
    const [closed] = await harness.receive();
    expect(closed?.verified.eventType).toBe('dispute.closed');
    expect(closed?.event).toMatchObject({
      providerDisputeId: opened.providerDisputeId,
      status: 'lost',
      openedAt: opened.openedAt,
    });
    await expect(harness.provider.closeDispute(opened.providerDisputeId, 'won')).rejects.toMatchObject({
      code: 'sandbox_dispute_not_open',
      status: 409,
    });
  });

  it('a won dispute reports won', async () => {
    const paymentId = await paidPayment();
    await harness.provider.openDispute(paymentId);
    const [created] = await harness.receive();
    const disputeId = created?.event.kind === 'dispute.updated' ? created.event.providerDisputeId : '';
    await harness.provider.closeDispute(disputeId, 'won');
    expect((await harness.receive())[0]?.event).toMatchObject({ status: 'won' });
  });

  it('a dispute covers only what was not already refunded, and a fully refunded payment cannot be disputed', async () => {
    const partly = await paidPayment();
    await harness.provider.refundPayment(partly, 9900);
    await harness.provider.openDispute(partly);
    const events = await harness.receive();
    expect(events.at(-1)?.event).toMatchObject({ kind: 'dispute.updated', amountMinor: 20000 });

    const fully = await paidPayment();
    await harness.provider.refundPayment(fully, null);
    await harness.receive();
    await expect(harness.provider.openDispute(fully)).rejects.toMatchObject({ code: 'sandbox_payment_not_disputable' });
  });
});

describe('sandbox webhook delivery', () => {
  it('when the inbox refuses a webhook, the change stays committed and the event can be redelivered', async () => {
    const paymentId = await paidPayment();
    harness.failDeliveries = new Error('inbox down');
    const failure = await harness.provider.refundPayment(paymentId, 100).catch((error: unknown) => error);
    harness.failDeliveries = null;
    expect(failure).toMatchObject({ code: 'sandbox_delivery_failed', retryable: true });
    const [eventId] = (failure as { context: { undeliveredEventIds: string[] } }).context.undeliveredEventIds;
    const stored = (await harness.provider.listObjects('event')).find((row) => row.id === eventId);
    expect(stored?.data).toMatchObject({
      type: 'charge.refunded',
      delivered_at: null,
      last_delivery_error: 'inbox down',
    });

    expect(await harness.provider.redeliverEvent(eventId!)).toEqual([eventId]);
    const [redelivered] = await harness.receive();
    expect(redelivered?.verified.providerEventId).toBe(eventId);
    expect(redelivered?.event).toMatchObject({ kind: 'refund.updated', amountRefundedMinor: 100 });
    const delivered = (await harness.provider.listObjects('event')).find((row) => row.id === eventId);
    expect(delivered?.data).toMatchObject({ delivered_at: expect.any(Number), last_delivery_error: null });
  });

  it('a change that fails sends nothing and stores no event', async () => {
    const eventsBefore = (await harness.provider.listObjects('event')).length;
    await expect(harness.provider.refundPayment('sbx_pay_missing', 1)).rejects.toMatchObject({
      code: 'sandbox_payment_not_found',
    });
    expect((await harness.provider.listObjects('event')).length).toBe(eventsBefore);
    expect(await harness.receive()).toEqual([]);
  });
});
