import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../errors.js';
import { readFixture, readJsonFixture } from '../../../testing/fixtures.js';
import { handledBtcpayEvents, signBtcpayPayload, verifyBtcpayWebhook } from './verify-btcpay-webhook.js';

interface SignedVector {
  secret: string;
  raw_body_file: string;
  headers: { 'BTCPay-Sig': string };
}

const vector = (event: string) => {
  const signed = readJsonFixture<SignedVector>('btcpay', 'signed', `${event}.json`);
  const body = Buffer.from(readFixture('btcpay', 'webhooks', `${event}.json`), 'utf8');
  return { secret: signed.secret, body, signature: signed.headers['BTCPay-Sig'] };
};

const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, status: error.status, reason: error.context.reason };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('BTCPay-Sig verification', () => {
  it.each(handledBtcpayEvents)(
    'accepts BTCPay’s own signed %s delivery, keyed by its original delivery id',
    (event) => {
      const { secret, body, signature } = vector(event);
      expect(signBtcpayPayload(body, secret)).toBe(signature);
      const verified = verifyBtcpayWebhook([secret], body, { 'btcpay-sig': signature });
      const delivery = JSON.parse(body.toString('utf8')) as { originalDeliveryId: string; type: string };
      expect(verified).toEqual({ providerEventId: delivery.originalDeliveryId, eventType: event, handled: true });
    },
  );

  it('accepts either secret during a rotation, and refuses a body signed with neither', () => {
    const { secret, body, signature } = vector('InvoiceSettled');
    expect(verifyBtcpayWebhook(['new-secret', secret], body, { 'btcpay-sig': signature }).handled).toBe(true);
    expect(
      refusalOf(() => verifyBtcpayWebhook(['new-secret', 'older-secret'], body, { 'btcpay-sig': signature })),
    ).toEqual({ code: 'webhook_signature_invalid', status: 400, reason: 'mismatch' });
  });

  it('refuses a body changed by one byte, a missing header and a malformed header with 400', () => {
    const { secret, body, signature } = vector('InvoiceSettled');
    const tampered = Buffer.from(body.toString('utf8').replace('"overPaid": false', '"overPaid": true '), 'utf8');
    expect(tampered.length).toBe(body.length);
    expect(refusalOf(() => verifyBtcpayWebhook([secret], tampered, { 'btcpay-sig': signature })).reason).toBe(
      'mismatch',
    );
    expect(refusalOf(() => verifyBtcpayWebhook([secret], body, {})).reason).toBe('missing');
    for (const malformed of ['sha1=abc', signature.slice(0, -2), signature.replace('sha256=', ''), 'sha256=zz'])
      expect(refusalOf(() => verifyBtcpayWebhook([secret], body, { 'btcpay-sig': malformed })).reason).toBe(
        'malformed',
      );
  });

  it('a redelivery from BTCPay keeps the original delivery id, so the inbox stores it once', () => {
    const { secret, body } = vector('InvoiceSettled');
    const original = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const redelivery = Buffer.from(
      JSON.stringify({ ...original, deliveryId: 'NewDeliveryId123', isRedelivery: true }, null, 2),
      'utf8',
    );
    const verified = verifyBtcpayWebhook([secret], redelivery, { 'btcpay-sig': signBtcpayPayload(redelivery, secret) });
    expect(verified.providerEventId).toBe(original.originalDeliveryId);
  });

  it('a signed event the product does not act on is verified but marked not handled', () => {
    const body = Buffer.from(JSON.stringify({ deliveryId: 'd1', originalDeliveryId: 'd1', type: 'PayoutCreated' }));
    expect(verifyBtcpayWebhook(['s'], body, { 'btcpay-sig': signBtcpayPayload(body, 's') })).toMatchObject({
      eventType: 'PayoutCreated',
      handled: false,
    });
  });

  it('a signed body that is not a delivery is 400 webhook_payload_invalid', () => {
    const body = Buffer.from('{"hello":"world"}');
    expect(refusalOf(() => verifyBtcpayWebhook(['s'], body, { 'btcpay-sig': signBtcpayPayload(body, 's') })).code).toBe(
      'webhook_payload_invalid',
    );
  });
});
