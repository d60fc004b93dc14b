import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildAppWithProbes, memberOn, probePath, proOnlyPath } from '../core/auth/testing/api-test-kit.js';
import { createFakeChatPlatform } from '../core/testing/fake-chat-platform.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { manualGrants } from '../db/schema/index.js';
import { createFormClient } from './testing/form-client.js';

let test: TestApp;
let app: FastifyInstance;
let telegram: ReturnType<typeof createFakeChatPlatform>;

beforeAll(async () => {
  test = await createTestApp();
  app = await buildAppWithProbes(test.core);
  telegram = createFakeChatPlatform({ name: 'telegram' });
  test.core.access.registerPlatform(telegram.platform);
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

let nextChatId = 700_000;
async function telegramMember() {
  nextChatId += 1;
  const externalId = String(nextChatId);
  const { id } = await test.core.users.findOrCreate({ platform: 'telegram', externalId }, 'test');
  return { userId: id, externalId };
}

const login = (payload: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/auth/login', payload });
const exchange = (loginToken: string) =>
  app.inject({ method: 'POST', url: '/v1/auth/token', payload: { login_token: loginToken } });
const refresh = (refreshToken: string) =>
  app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: refreshToken } });

const tokenIn = (text: string) => {
  const match = /lt_[A-Za-z0-9_-]{43}/.exec(text);
  expect(match, text).not.toBeNull();
  return match![0];
};

/** Asks for a link for a Telegram account and returns the token the bot sent it by DM. */
async function loginTokenByDm(externalId: string) {
  const before = telegram.dms.length;
  const response = await login({ platform: 'telegram', external_id: externalId });
  expect(response.statusCode).toBe(202);
  await test.drain();
  const sent = telegram.dms.slice(before).filter((dm) => dm.externalId === externalId);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.message.links?.[0]?.url).toContain('http://shop.test/login?login_token=lt_');
  return tokenIn(sent[0]!.message.text);
}

describe('passwordless sign-in', () => {
  it('a login link goes to the member’s bot DM and works exactly once', async () => {
    const member = await telegramMember();
    const token = await loginTokenByDm(member.externalId);
    const first = await exchange(token);
    expect(first.statusCode, first.body).toBe(200);
    const pair = first.json<{ access_token: string; refresh_token: string; expires_in: number }>();
    expect(pair.expires_in).toBe(300);
    const used = await app.inject({ method: 'GET', url: probePath, headers: bearer(pair.access_token) });
    expect(used.json()).toEqual({ kind: 'access_token', user_id: member.userId, tier: 'free' });

    const second = await exchange(token);
    expect(second.statusCode).toBe(401);
    expect(second.json().error.code).toBe('login_token_invalid');
  });

  it('opening the link spends nothing (chat previews fetch it); pressing Sign in does, once', async () => {
    const member = await telegramMember();
    const token = await loginTokenByDm(member.externalId);
    const link = `/login?login_token=${token}`;
    const browser = createFormClient(app);
    for (let preview = 0; preview < 2; preview += 1) {
      const page = await browser.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<form method="post"');
    }
    const signedIn = await browser.post(link);
    expect(signedIn.statusCode).toBe(200);
    const accessToken = /<code>([A-Za-z0-9_.-]+)<\/code>/.exec(signedIn.body)?.[1];
    const used = await app.inject({ method: 'GET', url: probePath, headers: bearer(accessToken ?? '') });
    expect(used.json().user_id).toBe(member.userId);
    const again = await browser.post(link);
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain('login_token_invalid');
  });

  it('a login link expires after LOGIN_LINK_TTL_MINUTES (15)', async () => {
    const member = await telegramMember();
    const token = await loginTokenByDm(member.externalId);
    test.clock.advance(15 * 60_000);
    const late = await exchange(token);
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('login_token_expired');
  });

  it('answers 202 the same way for nobody, and sends nothing', async () => {
    const before = telegram.dms.length;
    const known = await telegramMember();
    const forKnown = await login({ platform: 'telegram', external_id: known.externalId });
    const forNobody = await login({ platform: 'telegram', external_id: '999999999999' });
    const byUnknownEmail = await login({ email: 'nobody@example.com' });
    expect([forKnown.statusCode, forNobody.statusCode, byUnknownEmail.statusCode]).toEqual([202, 202, 202]);
    expect(forNobody.body).toBe(forKnown.body);
    await test.drain();
    expect(telegram.dms.slice(before).map((dm) => dm.externalId)).toEqual([known.externalId]);
  });

  it('by email: the link goes through the email sender (the outbox when no mail service is configured)', async () => {
    await test.core.users.findOrCreate({ email: 'mail-member@example.com' }, 'test');
    expect((await login({ email: 'Mail-Member@example.com' })).statusCode).toBe(202);
    await test.drain();
    const mail = test.core.emailOutbox!.outbox.at(-1);
    expect(mail?.to).toBe('mail-member@example.com');
    expect((await exchange(tokenIn(mail!.text))).statusCode).toBe(200);
  });

  it('sign-in requests are limited per target: the 6th within 15 minutes is 429 with Retry-After', async () => {
    for (let count = 0; count < 5; count += 1)
      expect((await login({ platform: 'telegram', external_id: '123123123' })).statusCode).toBe(202);
    const limited = await login({ platform: 'telegram', external_id: '123123123' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login({ platform: 'telegram', external_id: '123123124' })).statusCode).toBe(202);
  });
});

describe('access and refresh tokens', () => {
  it('refresh rotates the refresh token; reusing an old one revokes the whole sign-in', async () => {
    const member = await memberOn(test.core, null);
    const rotated = await refresh(member.tokens.refresh_token);
    expect(rotated.statusCode).toBe(200);
    const next = rotated.json<{ access_token: string; refresh_token: string }>();
    expect(next.refresh_token).not.toBe(member.tokens.refresh_token);

    const reused = await refresh(member.tokens.refresh_token);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('refresh_token_reused');
    // The thief's or the member's newer token dies with the family.
    const successor = await refresh(next.refresh_token);
    expect(successor.statusCode).toBe(401);
    expect(successor.json().error.code).toBe('refresh_token_revoked');
    expect((await refresh('rt_unknown')).json().error.code).toBe('unauthorized');
  });

  it('an access token expires after ACCESS_TOKEN_TTL_SECONDS: 401 token_expired', async () => {
    const member = await memberOn(test.core, null);
    test.clock.advance(299_000);
    expect((await app.inject({ method: 'GET', url: probePath, headers: member.session })).statusCode).toBe(200);
    test.clock.advance(1000);
    const expired = await app.inject({ method: 'GET', url: probePath, headers: member.session });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('token_expired');
  });

  it('a token whose claims were edited is refused', async () => {
    const member = await memberOn(test.core, null);
    const [header, body, signature] = member.tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    claims.ent.features.push('autotrade_sandbox');
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const response = await app.inject({ method: 'GET', url: proOnlyPath, headers: bearer(forged) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('a downgrade takes effect at once: after an admin revokes the plan, the still-unexpired token no longer passes a Pro-only gate', async () => {
    const member = await memberOn(test.core, 'pro');
    expect((await app.inject({ method: 'GET', url: proOnlyPath, headers: member.session })).statusCode).toBe(200);
    const [grant] = await test.core.db.select().from(manualGrants).where(eq(manualGrants.userId, member.userId));
    const revoked = await test.app.inject({
      method: 'POST',
      url: `/admin/grants/${grant!.id}/revoke`,
      headers: adminHeaders,
      payload: { reason: 'test downgrade' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);

    const stale = await app.inject({ method: 'GET', url: proOnlyPath, headers: member.session });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('token_stale');
    const renewed = (await refresh(member.tokens.refresh_token)).json<{ access_token: string }>();
    const gated = await app.inject({ method: 'GET', url: proOnlyPath, headers: bearer(renewed.access_token) });
    expect(gated.statusCode).toBe(403);
    expect(gated.json().error.code).toBe('feature_required');
  });
});
