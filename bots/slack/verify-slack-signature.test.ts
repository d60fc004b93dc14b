import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../core/testing/fake-clock.js';
import { readFixture, readJsonFixture } from '../../core/testing/fixtures.js';
import { signSlackRequest } from './testing/sign-slack-request.js';
import { verifySlackSignature } from './verify-slack-signature.js';

interface SignedFixture {
  signing_secret: string;
  raw_body_file: string;
  raw_body_sha256: string;
  headers: Record<string, string>;
}

const signedFixtures = [
  'url_verification.json',
  'event_callback.member_joined_channel.json',
  'event_callback.app_mention.json',
  'subscribe.form-urlencoded.json',
  'block_actions.subscribe_button.form-urlencoded.json',
];

const loadSigned = (name: string) => {
  const fixture = readJsonFixture<SignedFixture>('slack', 'signed', name);
  const body = readFixture('slack', 'signed', fixture.raw_body_file);
  return { fixture, body, timestamp: Number(fixture.headers['X-Slack-Request-Timestamp']) };
};

const clockAt = (seconds: number) => createFakeClock(new Date(seconds * 1000));

describe('Slack v0 request signatures', () => {
  it('the test signer reproduces the signature of Slack’s documented example', () => {
    const vector = readJsonFixture<Record<string, string>>('slack', 'signed', 'slack-docs-test-vector.json');
    const headers = signSlackRequest({
      signingSecret: vector.signing_secret!,
      body: vector.body!,
      timestamp: Number(vector.timestamp),
    });
    expect(headers['x-slack-signature']).toBe(vector.expected_signature);
  });

  it('Slack’s documented example verifies at its own timestamp', () => {
    const vector = readJsonFixture<Record<string, string>>('slack', 'signed', 'slack-docs-test-vector.json');
    const check = verifySlackSignature({
      signingSecret: vector.signing_secret!,
      rawBody: vector.body!,
      signature: vector.expected_signature,
      timestamp: vector.timestamp,
      clock: clockAt(Number(vector.timestamp)),
    });
    expect(check).toEqual({ valid: true });
  });

  it.each(signedFixtures)('the signed fixture %s verifies over its exact bytes', (name) => {
    const { fixture, body, timestamp } = loadSigned(name);
    expect(createHash('sha256').update(body).digest('hex')).toBe(fixture.raw_body_sha256);
    expect(signSlackRequest({ signingSecret: fixture.signing_secret, body, timestamp })['x-slack-signature']).toBe(
      fixture.headers['X-Slack-Signature'],
    );
    const check = verifySlackSignature({
      signingSecret: fixture.signing_secret,
      rawBody: body,
      signature: fixture.headers['X-Slack-Signature'],
      timestamp: fixture.headers['X-Slack-Request-Timestamp'],
      clock: clockAt(timestamp + 60),
    });
    expect(check).toEqual({ valid: true });
  });

  it('a body changed by one byte is refused', () => {
    const { fixture, body, timestamp } = loadSigned('subscribe.form-urlencoded.json');
    const check = verifySlackSignature({
      signingSecret: fixture.signing_secret,
      rawBody: body.replace('text=pro', 'text=vip'),
      signature: fixture.headers['X-Slack-Signature'],
      timestamp: String(timestamp),
      clock: clockAt(timestamp),
    });
    expect(check.valid).toBe(false);
  });

  it('another app’s signing secret is refused', () => {
    const { fixture, body, timestamp } = loadSigned('subscribe.form-urlencoded.json');
    const check = verifySlackSignature({
      signingSecret: 'another_signing_secret_0123456789',
      rawBody: body,
      signature: fixture.headers['X-Slack-Signature'],
      timestamp: String(timestamp),
      clock: clockAt(timestamp),
    });
    expect(check.valid).toBe(false);
  });

  it('a signature older than five minutes is refused, one just inside is accepted', () => {
    const { fixture, body, timestamp } = loadSigned('subscribe.form-urlencoded.json');
    const at = (seconds: number) =>
      verifySlackSignature({
        signingSecret: fixture.signing_secret,
        rawBody: body,
        signature: fixture.headers['X-Slack-Signature'],
        timestamp: String(timestamp),
        clock: clockAt(seconds),
      }).valid;
    expect(at(timestamp + 300)).toBe(true);
    expect(at(timestamp + 301)).toBe(false);
  });

  it('a timestamp more than five minutes in the future is refused (no replay "from tomorrow")', () => {
    const now = 1_800_000_000;
    const body = 'token=x&command=%2Fstatus';
    const future = signSlackRequest({ signingSecret: 'secret_0123456789', body, timestamp: now + 301 });
    const check = verifySlackSignature({
      signingSecret: 'secret_0123456789',
      rawBody: body,
      signature: future['x-slack-signature'],
      timestamp: future['x-slack-request-timestamp'],
      clock: clockAt(now),
    });
    expect(check).toEqual({ valid: false, reason: 'timestamp in the future' });
  });

  it('missing or malformed headers are refused', () => {
    const base = { signingSecret: 'secret_0123456789', rawBody: 'a=b', clock: clockAt(1_800_000_000) };
    expect(verifySlackSignature({ ...base, signature: undefined, timestamp: '1800000000' }).valid).toBe(false);
    expect(verifySlackSignature({ ...base, signature: 'v0=00', timestamp: undefined }).valid).toBe(false);
    expect(verifySlackSignature({ ...base, signature: 'v0=00', timestamp: 'soon' }).valid).toBe(false);
    expect(verifySlackSignature({ ...base, signature: 'v1=00', timestamp: '1800000000' }).valid).toBe(false);
  });
});
