import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deriveLinkSecret, signToken, tokenEnvelope, verifyToken } from './signed-token.js';

const secret = deriveLinkSecret(undefined, 'adm_test_0123456789abcdefghijklmnop');
const schema = tokenEnvelope.extend({ u: z.string() });
const now = new Date('2026-11-01T12:00:00Z');
const inAnHour = Math.floor(now.getTime() / 1000) + 3600;

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string; status?: number }).code;
  }
  return 'accepted';
};

describe('signed tokens', () => {
  it('a token made with the secret reads back the member it names', () => {
    const token = signToken({ u: 'alice', e: inAnHour }, secret);
    expect(verifyToken(token, secret, schema, now)).toMatchObject({ v: 1, u: 'alice', e: inAnHour });
  });

  it('changing one character of the payload or signature makes the token invalid', () => {
    const token = signToken({ u: 'alice', e: inAnHour }, secret);
    const [body, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ v: 1, u: 'mallory', e: inAnHour })).toString('base64url');
    expect(codeOf(() => verifyToken(`${forged}.${signature}`, secret, schema, now))).toBe('link_invalid');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(codeOf(() => verifyToken(`${body}.${flipped}`, secret, schema, now))).toBe('link_invalid');
    expect(codeOf(() => verifyToken(`${body}.`, secret, schema, now))).toBe('link_invalid');
    expect(codeOf(() => verifyToken('not-a-token', secret, schema, now))).toBe('link_invalid');
  });

  it('a token signed with another secret is invalid, even when it has expired', () => {
    const other = deriveLinkSecret('another_secret_of_enough_length_000', 'unused');
    const token = signToken({ u: 'alice', e: 1 }, other);
    expect(codeOf(() => verifyToken(token, secret, schema, now))).toBe('link_invalid');
  });

  it('a genuine token past its expiry is expired, not invalid', () => {
    const token = signToken({ u: 'alice', e: inAnHour }, secret);
    expect(codeOf(() => verifyToken(token, secret, schema, new Date((inAnHour + 1) * 1000)))).toBe('link_expired');
  });

  it('a genuine token of another version or shape is invalid', () => {
    const wrongShape = signToken({ x: 'alice', e: inAnHour }, secret);
    expect(codeOf(() => verifyToken(wrongShape, secret, schema, now))).toBe('link_invalid');
  });

  it('the derived secret is stable across restarts with the same admin key and differs between keys', () => {
    expect(deriveLinkSecret(undefined, 'key-one-0123456789012345')).toEqual(
      deriveLinkSecret(undefined, 'key-one-0123456789012345'),
    );
    expect(deriveLinkSecret(undefined, 'key-one-0123456789012345')).not.toEqual(
      deriveLinkSecret(undefined, 'key-two-0123456789012345'),
    );
  });
});
