import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './webhook-signature.js';

describe('webhook signature', () => {
  it('matches the Standard Webhooks reference vector', () => {
    // The vector the standard-webhooks reference libraries test against.
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('a new secret is whsec_ with at least 24 random bytes, different every time', () => {
    const first = generateWebhookSecret();
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(first.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(generateWebhookSecret()).not.toBe(first);
  });

  it('the headers carry the event id and the attempt time in seconds', () => {
    const headers = webhookHeaders(generateWebhookSecret(), 'msg_1', new Date('2026-11-01T12:00:00.900Z'), '{}');
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(Date.parse('2026-11-01T12:00:00Z') / 1000));
  });
});
