import { describe, expect, it } from 'vitest';
import {
  buildSandboxEventBody,
  isHandledSandboxEventType,
  normalizeSandboxEvent,
  parseSandboxEnvelope,
} from './sandbox-events.js';

const payment = {
  id: 'sbx_pay_1',
  object: 'payment',
  kind: 'one_time',
  status: 'succeeded',
  customer: 'sbx_cus_1',
  subscription: null,
  checkout: 'sbx_cs_1',
  lines: [
    {
      plan_id: 'lifetime',
      plan_name: 'Lifetime',
      plan_price_id: 'lifetime_one_time_usd_v1',
      amount_minor: 29900,
      currency: 'usd',
      interval: 'one_time',
      quantity: 1,
    },
  ],
  amount_minor: 29900,
  currency: 'usd',
  amount_refunded_minor: 0,
  metadata: { user_id: 'user-1', checkout_id: 'checkout-1' },
  period_start: null,
  period_end: null,
  paid_at: 1_700_000_000,
  failed_at: null,
  attempt_count: 1,
  created: 1_700_000_000,
};

const normalize = (type: Parameters<typeof buildSandboxEventBody>[1], object: Record<string, unknown>) =>
  normalizeSandboxEvent(parseSandboxEnvelope(buildSandboxEventBody('sbx_evt_1', type, 1_700_000_100, object)));

describe('sandbox events', () => {
  it('a payment.succeeded becomes a payment fact keyed by the payment id', () => {
    expect(normalize('payment.succeeded', payment)).toEqual({
      kind: 'payment.succeeded',
      payment: {
        providerPaymentId: 'sbx_pay_1',
        chargeReference: 'sbx_pay_1',
        kind: 'one_time',
        userId: 'user-1',
        providerCustomerId: 'sbx_cus_1',
        providerSubscriptionId: null,
        items: [{ planPriceId: 'lifetime_one_time_usd_v1', providerPriceId: null, quantity: 1 }],
        amountMinor: 29900,
        currency: 'usd',
        paidAt: new Date(1_700_000_000_000),
        periodStart: null,
        periodEnd: null,
      },
    });
  });

  it('a payment.succeeded whose payment did not succeed is an invalid payload, not money', () => {
    expect(() => normalize('payment.succeeded', { ...payment, status: 'failed', paid_at: null })).toThrow(
      expect.objectContaining({ code: 'webhook_payload_invalid', status: 400, retryable: false }),
    );
  });

  it('unknown event types are not handled and normalize to ignore', () => {
    expect(isHandledSandboxEventType('customer.created')).toBe(false);
    expect(isHandledSandboxEventType('checkout.declined')).toBe(false);
    expect(isHandledSandboxEventType('payment.succeeded')).toBe(true);
    const envelope = parseSandboxEnvelope(
      JSON.stringify({ id: 'sbx_evt_2', type: 'customer.created', created: 1, data: { object: {} } }),
    );
    expect(normalizeSandboxEvent(envelope)).toMatchObject({ kind: 'ignore' });
  });

  it('malformed payloads are refused with webhook_payload_invalid', () => {
    const invalid = expect.objectContaining({ code: 'webhook_payload_invalid', status: 400, retryable: false });
    expect(() => parseSandboxEnvelope('{not json')).toThrow(invalid);
    expect(() =>
      parseSandboxEnvelope(
        JSON.stringify({ id: 'evt_1', type: 'payment.succeeded', created: 1, data: { object: {} } }),
      ),
    ).toThrow(invalid);
    expect(() =>
      parseSandboxEnvelope(JSON.stringify({ id: 'sbx_evt_1', type: 'payment.succeeded', created: 1 })),
    ).toThrow(invalid);
    expect(() => normalize('charge.refunded', { ...payment, amount_minor: '29900' })).toThrow(invalid);
    expect(() => normalize('dispute.created', { id: 'sbx_dp_1', object: 'dispute' })).toThrow(invalid);
  });
});
