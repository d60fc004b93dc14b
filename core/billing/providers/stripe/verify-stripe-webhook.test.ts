import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.js';
import { systemClock } from '../../../ports/clock.js';
import { fixturePath, readFixture, readJsonFixture } from '../../../testing/fixtures.js';
import { createStripeProvider } from './stripe-provider.js';

interface SignedVector {
  secret: string;
  timestamp: number;
  raw_body_file: string;
  raw_body_sha256: string;
  stripe_signature_header: string;
}

const signedVectors = readdirSync(fixturePath('stripe', 'signed'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => {
    const vector = readJsonFixture<SignedVector>('stripe', 'signed', name);
    const body = Buffer.from(readFixture('stripe', 'signed', vector.raw_body_file), 'utf8');
    const event = JSON.parse(body.toString('utf8')) as { id: string; type: string };
    return { name, vector, body, event };
  });

const currentSecret = 'whsec_current_0123456789abcdef0123456789abcdef';
const previousSecret = 'whsec_previous_0123456789abcdef0123456789abcd';

const providerAt = (seconds: number | null, webhookSecrets: string[], toleranceSeconds = 300) =>
  createStripeProvider({
    secretKey: 'sk_test_verify_only',
    webhookSecrets,
    toleranceSeconds,
    idempotencyPrefix: 'cm',
    // No request leaves this test: verification is local.
    apiBase: 'http://127.0.0.1:9',
    clock: seconds === null ? systemClock : { now: () => new Date(seconds * 1000) },
  });

const failure = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected verification to fail');
};

const sign = (payload: string, secret: string, timestamp: number) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

const now = 1_763_000_000;
const freshEvent = readFixture('stripe', 'events', 'invoice.paid.json');

describe('Stripe webhook verification', () => {
  it('reads every signed vector byte for byte (its recorded SHA-256 matches)', () => {
    expect(signedVectors.length).toBeGreaterThanOrEqual(12);
    for (const { vector, body } of signedVectors) {
      expect(createHash('sha256').update(body).digest('hex')).toBe(vector.raw_body_sha256);
    }
  });

  it.each(signedVectors)(
    'the signed vector $name verifies with its secret while inside the tolerance',
    ({ vector, body, event }) => {
      const provider = providerAt(vector.timestamp + 299, [vector.secret]);
      const verified = provider.verifyWebhook(body, { 'stripe-signature': vector.stripe_signature_header });
      expect(verified).toEqual({ providerEventId: event.id, eventType: event.type, handled: true });
    },
  );

  it.each(signedVectors)('the signed vector $name is rejected as stale once 300 s have passed', ({ vector, body }) => {
    const provider = providerAt(vector.timestamp + 301, [vector.secret]);
    const error = failure(() => provider.verifyWebhook(body, { 'stripe-signature': vector.stripe_signature_header }));
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.status).toBe(400);
    expect(error.message).toContain('timestamp outside tolerance');
    expect(error.context['reason']).toBe('stale');
  });

  it('an old signature replayed today against the system clock is rejected as stale', () => {
    const [first] = signedVectors;
    if (first === undefined) throw new Error('no signed vectors');
    const provider = providerAt(null, [first.vector.secret]);
    const error = failure(() =>
      provider.verifyWebhook(first.body, { 'stripe-signature': first.vector.stripe_signature_header }),
    );
    expect(error.context['reason']).toBe('stale');
  });

  it('a fresh signature made with the current secret is accepted', () => {
    const provider = providerAt(now, [currentSecret]);
    const verified = provider.verifyWebhook(Buffer.from(freshEvent), {
      'stripe-signature': sign(freshEvent, currentSecret, now - 5),
    });
    expect(verified.eventType).toBe('invoice.paid');
  });

  it('a signature made with a rotated-out secret is still accepted while listed', () => {
    const provider = providerAt(now, [currentSecret, previousSecret]);
    const verified = provider.verifyWebhook(Buffer.from(freshEvent), {
      'stripe-signature': sign(freshEvent, previousSecret, now),
    });
    expect(verified.handled).toBe(true);
  });

  it('a signature made with a secret no longer listed is rejected', () => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), { 'stripe-signature': sign(freshEvent, previousSecret, now) }),
    );
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.context['reason']).toBe('mismatch');
  });

  it('a stale signature is reported as stale even when other listed secrets do not match', () => {
    const provider = providerAt(now, [currentSecret, previousSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), {
        'stripe-signature': sign(freshEvent, previousSecret, now - 301),
      }),
    );
    expect(error.message).toContain('timestamp outside tolerance');
  });

  it.each([
    { label: '+301 s', offsetSeconds: 301 },
    { label: '+1 hour', offsetSeconds: 3600 },
    { label: '+10 years', offsetSeconds: 10 * 365 * 24 * 3600 },
  ])('a genuine signature dated in the future ($label) is refused like a stale one', ({ offsetSeconds }) => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), {
        'stripe-signature': sign(freshEvent, currentSecret, now + offsetSeconds),
      }),
    );
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.status).toBe(400);
    expect(error.message).toContain('timestamp outside tolerance');
    expect(error.context['reason']).toBe('future');
  });

  it('a signature dated up to the tolerance ahead (clock skew) is still accepted', () => {
    const provider = providerAt(now, [currentSecret]);
    const verified = provider.verifyWebhook(Buffer.from(freshEvent), {
      'stripe-signature': sign(freshEvent, currentSecret, now + 300),
    });
    expect(verified.eventType).toBe('invoice.paid');
  });

  it('a signature dated 301 s in the past is still refused as stale', () => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), {
        'stripe-signature': sign(freshEvent, currentSecret, now - 301),
      }),
    );
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.context['reason']).toBe('stale');
  });

  it('a future-dated header does not make a signature from an unlisted secret count', () => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), {
        'stripe-signature': sign(freshEvent, previousSecret, now + 3600),
      }),
    );
    expect(error.context['reason']).toBe('mismatch');
  });

  it('a body altered by one byte is rejected', () => {
    const provider = providerAt(now, [currentSecret]);
    const signature = sign(freshEvent, currentSecret, now);
    const altered = Buffer.from(freshEvent);
    const index = altered.indexOf('2000');
    altered[index] = '3'.charCodeAt(0);
    const error = failure(() => provider.verifyWebhook(altered, { 'stripe-signature': signature }));
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.context['reason']).toBe('mismatch');
  });

  it('a forged v1 signature is rejected', () => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(freshEvent), { 'stripe-signature': `t=${now},v1=${'0'.repeat(64)}` }),
    );
    expect(error.code).toBe('webhook_signature_invalid');
  });

  it('a header that is not a Stripe signature is rejected as malformed', () => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() => provider.verifyWebhook(Buffer.from(freshEvent), { 'stripe-signature': 'garbage' }));
    expect(error.code).toBe('webhook_signature_invalid');
    expect(error.context['reason']).toBe('malformed');
  });

  it.each([
    ['no header', {}],
    ['an empty header', { 'stripe-signature': '' }],
    ['an empty header list', { 'stripe-signature': [] }],
  ])('a request with %s is rejected as missing its signature', (_label, headers) => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() => provider.verifyWebhook(Buffer.from(freshEvent), headers));
    expect(error.code).toBe('webhook_signature_missing');
    expect(error.status).toBe(400);
  });

  it('the header is found whatever its case', () => {
    const provider = providerAt(now, [currentSecret]);
    const verified = provider.verifyWebhook(Buffer.from(freshEvent), {
      'Stripe-Signature': sign(freshEvent, currentSecret, now),
    });
    expect(verified.providerEventId).toBe('evt_1Pgc76B7WZ01zgkWf4ce1bd99346');
  });

  it('an event type we do not act on verifies but is marked unhandled (stored as ignored)', () => {
    const planCreated = readFixture('stripe', 'objects', 'event.json');
    const provider = providerAt(now, [currentSecret]);
    const verified = provider.verifyWebhook(Buffer.from(planCreated), {
      'stripe-signature': sign(planCreated, currentSecret, now),
    });
    expect(verified).toEqual({
      providerEventId: 'evt_1Pgc76B7WZ01zgkWwyRHS12y',
      eventType: 'plan.created',
      handled: false,
    });
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['JSON without an event id', '{"object":"event","type":"invoice.paid"}'],
  ])('a correctly signed body that is %s is refused as an invalid payload', (_label, payload) => {
    const provider = providerAt(now, [currentSecret]);
    const error = failure(() =>
      provider.verifyWebhook(Buffer.from(payload), { 'stripe-signature': sign(payload, currentSecret, now) }),
    );
    expect(error.code).toBe('webhook_payload_invalid');
    expect(error.retryable).toBe(false);
  });
});
