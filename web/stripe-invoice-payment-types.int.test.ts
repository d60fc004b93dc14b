import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createStripeClient } from '../core/billing/providers/stripe/create-stripe-client.js';
import { adminHeaders } from '../core/testing/test-core.js';
import { purchases } from '../db/schema/index.js';
import { useStripeTestShop } from './testing/stripe-test-shop.js';

/**
 * An invoice is paid by one of three kinds of payment (stripe@23 `InvoicePayment.Payment.type`):
 * `payment_intent`, `charge` or `payment_record`. Whichever it is, the purchase it records can
 * be refunded.
 */

describe('refunding an invoice whatever paid it', () => {
  const stripeTest = useStripeTestShop();

  /** Rewrites how Stripe says the invoice was paid, before its webhooks are delivered. */
  const payInvoiceWith = async (invoiceId: string, payment: Record<string, string>) => {
    const stripe = createStripeClient({ secretKey: stripeTest.fake.secretKey, apiBase: stripeTest.fake.url });
    const [invoicePayment] = (await stripe.invoicePayments.list({ invoice: invoiceId })).data;
    stripeTest.fake.seed({ ...(invoicePayment as unknown as { id: string; object: string }), payment } as never);
  };

  const purchaseOf = async (userId: string) => {
    const [purchase] = await stripeTest.shop.db.select().from(purchases).where(eq(purchases.userId, userId));
    expect(purchase).toBeDefined();
    return purchase!;
  };

  const refund = (purchaseId: string) =>
    stripeTest.shop.harness.app.inject({
      method: 'POST',
      url: `/admin/payments/${purchaseId}/refund`,
      headers: adminHeaders,
      payload: { reason: 'requested by the member' },
    });

  it('an invoice paid through a PaymentIntent is refunded through it and the purchase ends refunded', async () => {
    const member = await stripeTest.shop.subscriber('paid-by-intent@example.com');
    const purchase = await purchaseOf(member.userId);
    expect(purchase.chargeReference).toBe(member.paymentIntentId);
    const answer = await refund(purchase.id);
    expect(answer.statusCode, answer.body).toBe(202);
    await stripeTest.shop.deliver(stripeTest.fake.drainEvents());
    await stripeTest.shop.settle();
    expect(await purchaseOf(member.userId)).toMatchObject({ amountRefundedMinor: purchase.amountMinor });
  });

  it('an invoice paid through a charge without a PaymentIntent is refunded by charge and the purchase ends refunded', async () => {
    const bought = await stripeTest.shop.buy('paid-by-charge@example.com');
    const chargeId = stripeTest.fake.object('payment_intent', bought.paymentIntentId)!['latest_charge'] as string;
    // Stripe names a charge here only when it has no PaymentIntent (InvoicePayment.Payment.charge).
    stripeTest.fake.seed({ ...stripeTest.fake.object('charge', chargeId)!, payment_intent: null });
    await payInvoiceWith(bought.invoiceId, { type: 'charge', charge: chargeId });
    await stripeTest.shop.deliver(bought.events);
    await stripeTest.shop.settle();
    const purchase = await purchaseOf(bought.userId);
    expect(purchase.chargeReference).toBe(chargeId);

    const answer = await refund(purchase.id);
    expect(answer.statusCode, answer.body).toBe(202);
    await stripeTest.shop.deliver(stripeTest.fake.drainEvents());
    await stripeTest.shop.settle();
    expect(await purchaseOf(bought.userId)).toMatchObject({ amountRefundedMinor: purchase.amountMinor });
    expect(await stripeTest.shop.entitlements(bought.userId)).toMatchObject({ status: 'refunded' });
  });

  it('an invoice paid through a payment record is refunded by reporting it on the record, and recorded at once (no webhook will come)', async () => {
    const bought = await stripeTest.shop.buy('paid-by-record@example.com');
    // A PaymentRecord as stripe@23 types it (PaymentRecord.amount / amount_refunded are
    // { currency, value }); test-fixtures has none, so only the fields the fake reads are set.
    const recordId = 'pr_5RV730PrHyAEi';
    stripeTest.fake.seed({
      id: recordId,
      object: 'payment_record',
      amount: { currency: 'usd', value: 4900 },
      amount_refunded: { currency: 'usd', value: 0 },
      reported_by: 'self',
    });
    await payInvoiceWith(bought.invoiceId, { type: 'payment_record', payment_record: recordId });
    await stripeTest.shop.deliver(bought.events);
    await stripeTest.shop.settle();
    const purchase = await purchaseOf(bought.userId);
    expect(purchase.chargeReference).toBe(recordId);

    const answer = await refund(purchase.id);
    expect(answer.statusCode, answer.body).toBe(202);
    expect(stripeTest.fake.object('payment_record', recordId)).toMatchObject({ amount_refunded: { value: 4900 } });
    const report = stripeTest.fake.requests.find(
      (request) => request.path === `/v1/payment_records/${recordId}/report_refund`,
    );
    expect(report).toMatchObject({ status: 200, body: { outcome: 'refunded' } });
    expect(report?.idempotencyKey).toMatch(/^cm-refund-/);
    // Stripe sends no refund event for a record: the purchase, the ledger and access change now.
    expect(stripeTest.fake.drainEvents().filter((event) => event.type === 'charge.refunded')).toEqual([]);
    expect(await purchaseOf(bought.userId)).toMatchObject({ amountRefundedMinor: 4900 });
    expect(await stripeTest.shop.entitlements(bought.userId)).toMatchObject({ status: 'refunded' });
    const refunds = (await stripeTest.shop.ledgerOf(bought.userId)).filter((entry) => entry.kind === 'refund');
    expect(refunds).toEqual([{ account: 'revenue', kind: 'refund', amountMinor: -4900 }]);

    const again = await refund(purchase.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('payment_already_refunded');
    expect((await stripeTest.shop.ledgerOf(bought.userId)).filter((entry) => entry.kind === 'refund')).toHaveLength(1);
  });
});
