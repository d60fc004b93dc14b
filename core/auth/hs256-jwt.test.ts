import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from './hs256-jwt.js';

// RFC 7515, appendix A.1: the published HS256 example, key and signature.
const rfcKey = Buffer.from(
  'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  'base64url',
);
const rfcToken =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
  '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('HS256 JWT', () => {
  it('verifies the RFC 7515 A.1 example token with its published key', () => {
    const result = verifyJwt(rfcToken, rfcKey);
    expect(result).toEqual({
      ok: true,
      claims: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
    });
  });

  it('refuses the RFC example under another key or with one changed claim byte', () => {
    expect(verifyJwt(rfcToken, Buffer.from('another key'))).toEqual({ ok: false, failure: 'bad_signature' });
    const [header, body, signature] = rfcToken.split('.');
    const edited = Buffer.from(body!, 'base64url').toString('utf8').replace('joe', 'eve');
    expect(verifyJwt(`${header}.${Buffer.from(edited).toString('base64url')}.${signature}`, rfcKey)).toEqual({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('signs what an independent HMAC-SHA256 over header.payload computes, and reads its own tokens back', () => {
    const secret = Buffer.from('a-secret-of-at-least-24-bytes!!');
    const token = signJwt({ sub: 'u1', exp: 2_000_000_000 }, secret);
    const [header, body, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toBe(createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url'));
    expect(verifyJwt(token, secret)).toEqual({ ok: true, claims: { sub: 'u1', exp: 2_000_000_000 } });
  });

  it('refuses alg none and other algorithms before looking at the signature', () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    expect(verifyJwt(none, rfcKey).ok).toBe(false);
    const hs512 = `${Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url')}.${rfcToken.split('.')[1]}.${rfcToken.split('.')[2]}`;
    expect(verifyJwt(hs512, rfcKey)).toEqual({ ok: false, failure: 'malformed' });
    expect(verifyJwt('not-a-token', rfcKey)).toEqual({ ok: false, failure: 'malformed' });
  });
});
