import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../errors.js';
import { signSandboxPayload, verifySandboxSignature } from './sandbox-signature.js';

const secret = 'sandbox_whsec_current_0123456789';
const previousSecret = 'sandbox_whsec_previous_987654321';
const body = JSON.stringify({
  id: 'sbx_evt_1',
  type: 'payment.succeeded',
  created: 1_700_000_000,
  data: { object: {} },
});
const now = 1_700_000_000;

function errorOf(run: () => void) {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('sandbox webhook signatures', () => {
  it('a payload signed with the secret verifies over the same bytes', () => {
    const header = signSandboxPayload(body, secret, now);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now + 10)).not.toThrow();
  });

  it('signs HMAC-SHA256 over "<timestamp>.<body>" so other tools can sign too', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signSandboxPayload(body, secret, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('a tampered body is rejected as a mismatch', () => {
    const header = signSandboxPayload(body, secret, now);
    const tampered = Buffer.from(body.replace('payment.succeeded', 'payment.failed'));
    const error = errorOf(() => verifySandboxSignature(tampered, header, [secret], 300, now));
    expect(error).toMatchObject({ code: 'webhook_signature_invalid', status: 400 });
    expect(error.message).toContain('mismatch');
  });

  it('a signature from another secret is rejected', () => {
    const header = signSandboxPayload(body, 'sandbox_whsec_attacker_000000000', now);
    expect(errorOf(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now)).code).toBe(
      'webhook_signature_invalid',
    );
  });

  it('a stale timestamp is rejected even with a valid signature, so captured webhooks cannot be replayed', () => {
    const header = signSandboxPayload(body, secret, now - 301);
    const error = errorOf(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now));
    expect(error).toMatchObject({ code: 'webhook_signature_invalid', status: 400 });
    expect(error.message).toContain('stale');
  });

  it.each([301, 10 * 365 * 24 * 3600])('a timestamp %i s in the future is rejected too', (ahead) => {
    const header = signSandboxPayload(body, secret, now + ahead);
    const error = errorOf(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now));
    expect(error).toMatchObject({ code: 'webhook_signature_invalid', status: 400, context: { reason: 'future' } });
    expect(error.message).toContain('stale');
  });

  it('a missing header is rejected with its own code', () => {
    for (const header of [undefined, '', '  ']) {
      expect(errorOf(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now))).toMatchObject({
        code: 'webhook_signature_missing',
        status: 400,
      });
    }
  });

  it('a malformed header is rejected as malformed', () => {
    for (const header of ['garbage', 't=abc,v1=00', `t=${now}`, `v1=${'a'.repeat(64)}`, `t=${now},v1=xyz`]) {
      const error = errorOf(() => verifySandboxSignature(Buffer.from(body), header, [secret], 300, now));
      expect(error.code).toBe('webhook_signature_invalid');
      expect(error.message).toContain('malformed');
    }
  });

  it('during a rotation a payload signed with either secret verifies', () => {
    const secrets = [secret, previousSecret];
    for (const signingSecret of secrets) {
      const header = signSandboxPayload(body, signingSecret, now);
      expect(() => verifySandboxSignature(Buffer.from(body), header, secrets, 300, now)).not.toThrow();
    }
  });

  it('a header carrying one good signature among several verifies', () => {
    const good = signSandboxPayload(body, secret, now);
    const other = signSandboxPayload(body, previousSecret, now).split(',')[1];
    expect(() => verifySandboxSignature(Buffer.from(body), `${good},${other}`, [secret], 300, now)).not.toThrow();
  });

  it('an empty secret never verifies anything', () => {
    const header = signSandboxPayload(body, '', now);
    expect(errorOf(() => verifySandboxSignature(Buffer.from(body), header, [''], 300, now)).code).toBe(
      'webhook_secret_missing',
    );
  });
});
