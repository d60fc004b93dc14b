import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatPlatform } from '../core/testing/fake-chat-platform.js';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import { referralAttributions, webSessions } from '../db/schema/index.js';
import { createFormClient, type FormClient } from './testing/form-client.js';

let test: TestApp;
let telegram: ReturnType<typeof createFakeChatPlatform>;

beforeAll(async () => {
  test = await createTestApp();
  telegram = createFakeChatPlatform({ name: 'telegram' });
  test.core.access.registerPlatform(telegram.platform);
});

afterAll(async () => {
  await test?.close();
});

let nextChatId = 810_000;
async function telegramMember(displayName?: string) {
  nextChatId += 1;
  const externalId = String(nextChatId);
  const { id } = await test.core.users.findOrCreate({ platform: 'telegram', externalId, displayName }, 'test');
  return { userId: id, externalId };
}

/** The bot's DM for `/login`: the link the member opens in a browser. */
async function botLoginLink(externalId: string) {
  const before = telegram.dms.length;
  const asked = await test.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { platform: 'telegram', external_id: externalId },
  });
  expect(asked.statusCode).toBe(202);
  await test.drain();
  const dm = telegram.dms.slice(before).find((each) => each.externalId === externalId);
  const url = dm?.message.links?.[0]?.url;
  expect(url).toBeDefined();
  return new URL(url!).pathname + new URL(url!).search;
}

async function signIn(browser: FormClient, externalId: string) {
  const link = await botLoginLink(externalId);
  const confirm = await browser.get(link);
  expect(confirm.statusCode).toBe(200);
  expect(confirm.body).toContain('Sign in to this browser');
  const action = /<form method="post" action="([^"]+)">/.exec(confirm.body)?.[1]?.replaceAll('&amp;', '&');
  expect(action).toMatch(/^\/login\/browser\?login_token=lt_/);
  return browser.post(action!);
}

describe('web sign-in', () => {
  it('a bot-issued sign-in link signs this browser in with an HttpOnly, SameSite=Lax session cookie', async () => {
    const member = await telegramMember('Ada');
    const browser = createFormClient(test.app);
    const signedIn = await signIn(browser, member.externalId);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/account/billing');
    const cookie = signedIn.cookies.find((each) => each.name === 'session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie!.value).toMatch(/^ws_/);
    // Only a hash is stored: the cookie's value is nowhere in the table.
    const rows = await test.core.db.select().from(webSessions).where(eq(webSessions.userId, member.userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(cookie!.value);
    expect(rows[0]!.channel).toBe('telegram');

    const account = await browser.get('/account/billing');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Your plan');
    expect(account.body).toContain('Free');
    expect(account.body).toContain('Sign out');
  });

  it('the session cookie is Secure (and __Host- prefixed) when PUBLIC_URL is https', async () => {
    const secure = await createTestApp({ PUBLIC_URL: 'https://shop.test' });
    try {
      const chat = createFakeChatPlatform({ name: 'telegram' });
      secure.core.access.registerPlatform(chat.platform);
      const { id } = await secure.core.users.findOrCreate({ platform: 'telegram', externalId: '42' }, 'test');
      expect(id).toBeDefined();
      await secure.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { platform: 'telegram', external_id: '42' },
      });
      await secure.drain();
      const url = new URL(chat.dms[0]!.message.links![0]!.url);
      const browser = createFormClient(secure.app);
      await browser.get(url.pathname + url.search);
      const signedIn = await browser.post(`/login/browser${url.search}`);
      expect(signedIn.statusCode).toBe(303);
      const cookie = signedIn.cookies.find((each) => each.name === '__Host-session');
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(String(signedIn.headers['strict-transport-security'])).toContain('max-age=31536000');
    } finally {
      await secure.close();
    }
  });

  it('a sign-in link signs in one browser once; the API token exchange is separate', async () => {
    const member = await telegramMember();
    const link = await botLoginLink(member.externalId);
    const browser = createFormClient(test.app);
    await browser.get(link);
    const query = link.slice(link.indexOf('?'));
    expect((await browser.post(`/login/browser${query}`)).statusCode).toBe(303);
    // Opening the link again (a chat preview) spends nothing and signs nobody in.
    const preview = await createFormClient(test.app).get(link);
    expect(preview.statusCode).toBe(200);
    const second = createFormClient(test.app);
    await second.get(link);
    const spent = await second.post(`/login/browser${query}`);
    expect(spent.statusCode).toBe(401);
    expect(spent.body).toContain('login_token_invalid');
    expect(spent.cookies.find((each) => each.name === 'session')).toBeUndefined();
  });

  it('the API token page still works from the same link, and needs the CSRF token', async () => {
    const member = await telegramMember();
    const link = await botLoginLink(member.externalId);
    const browser = createFormClient(test.app);
    await browser.get(link);
    const refused = await browser.post(link, {}, { withToken: false });
    expect(refused.statusCode).toBe(403);
    const tokens = await browser.post(link);
    expect(tokens.statusCode).toBe(200);
    expect(tokens.body).toMatch(/<code>[A-Za-z0-9_.-]+<\/code>/);
  });

  it('sign out ends this browser only; sign out everywhere revokes every session of the member', async () => {
    const member = await telegramMember();
    const phone = createFormClient(test.app);
    const laptop = createFormClient(test.app);
    const tablet = createFormClient(test.app);
    for (const browser of [phone, laptop, tablet])
      expect((await signIn(browser, member.externalId)).statusCode).toBe(303);

    await phone.get('/account/billing');
    const signedOut = await phone.post('/sign-out');
    expect(signedOut.statusCode).toBe(303);
    expect((await phone.get('/account/billing')).headers.location).toBe('/sign-in');
    expect((await laptop.get('/account/billing')).statusCode).toBe(200);

    const everywhere = await laptop.post('/sign-out/everywhere');
    expect(everywhere.statusCode).toBe(200);
    expect(everywhere.body).toContain('Signed out everywhere');
    for (const browser of [laptop, tablet]) {
      const account = await browser.get('/account/billing');
      expect(account.statusCode).toBe(303);
      expect(account.headers.location).toBe('/sign-in');
    }
    const open = await test.core.db.select().from(webSessions).where(eq(webSessions.userId, member.userId));
    expect(open.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it('a session ends on its own after 30 days', async () => {
    const member = await telegramMember();
    const browser = createFormClient(test.app);
    await signIn(browser, member.externalId);
    expect((await browser.get('/account/billing')).statusCode).toBe(200);
    test.clock.advance(30 * 86_400_000 + 1000);
    expect((await browser.get('/account/billing')).statusCode).toBe(303);
  });

  it('the billing page sends a signed-out visitor to sign in and back there afterwards', async () => {
    const member = await telegramMember();
    const browser = createFormClient(test.app);
    const away = await browser.get('/account/billing');
    expect(away.statusCode).toBe(303);
    expect(away.headers.location).toBe('/sign-in');
    const back = await signIn(browser, member.externalId);
    expect(back.headers.location).toBe('/account/billing');
  });
});

describe('referral landing', () => {
  it('/r/<code> shows the inviter’s display name only and records the attribution when the visitor signs in', async () => {
    nextChatId += 1;
    const referrer = {
      userId: (
        await test.core.users.findOrCreate(
          {
            platform: 'telegram',
            externalId: String(nextChatId),
            username: 'grace_h',
            email: 'grace@example.com',
            displayName: 'Grace <b>Hopper</b>',
          },
          'test',
        )
      ).id,
    };
    const { code } = await test.core.referrals.codeFor(referrer.userId);
    const browser = createFormClient(test.app);
    const landing = await browser.get(`/r/${code.toLowerCase()}`);
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('Grace &lt;b&gt;Hopper&lt;/b&gt; invited you');
    for (const personal of [referrer.userId, 'grace@example.com', 'grace_h', String(nextChatId)])
      expect(landing.body).not.toContain(personal);
    expect(landing.body).toContain('href="/pricing"');
    expect(browser.cookies.get('referral_code')).toBe(code);

    const referee = await telegramMember();
    await signIn(browser, referee.externalId);
    const [attribution] = await test.core.db
      .select()
      .from(referralAttributions)
      .where(eq(referralAttributions.referredUserId, referee.userId));
    expect(attribution).toMatchObject({ referrerUserId: referrer.userId, code, source: 'web_link' });
    expect(await test.core.referrals.pendingCode(referee.userId)).toEqual({ code, kind: 'referral' });
    expect(browser.cookies.has('referral_code')).toBe(false);
  });

  it('an unknown invite code is a readable 404 page that still leads to pricing', async () => {
    const page = await test.app.inject({ method: 'GET', url: '/r/NOSUCHCODE' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('code_unknown');
    expect(page.body).toContain('/pricing');
  });
});

describe('sign-in forms answer bad input with a page', () => {
  async function expectPage(
    response: { statusCode: number; headers: Record<string, unknown>; body: string },
    code: string,
  ) {
    expect(response.statusCode).toBe(400);
    expect(String(response.headers['content-type'])).toContain('text/html');
    expect(response.body).toContain(code);
    expect(response.body).not.toContain('"error"');
  }

  it('an email that is not an address, too long or missing is a 400 sign-in page saying so, with the field to try again', async () => {
    const browser = createFormClient(test.app);
    await browser.get('/sign-in');
    const forms: Array<Record<string, string>> = [
      { email: 'not-an-address' },
      { email: `${'a'.repeat(400)}@example.com` },
      {},
    ];
    for (const fields of forms) {
      const page = await browser.post('/sign-in', fields);
      await expectPage(page, 'email_invalid');
      expect(page.body).toContain('name="email"');
      expect(page.body).toContain('aria-invalid="true"');
    }
  });

  it('a browser sign-in without a usable link token is a 400 page that leads to a new link', async () => {
    const browser = createFormClient(test.app);
    await browser.get('/sign-in');
    for (const url of ['/login/browser', `/login/browser?login_token=${'x'.repeat(300)}`]) {
      const page = await browser.post(url);
      await expectPage(page, 'login_token_invalid');
      expect(page.body).toContain('/sign-in');
    }
    const opened = await browser.get('/login');
    await expectPage(opened, 'login_token_invalid');
  });
});
