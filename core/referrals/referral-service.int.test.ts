import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingCodes, referralAttributions } from '../../db/schema/index.js';
import { isAppError } from '../errors.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';

const failureOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (isAppError(error) ? `${error.status} ${error.code}` : String(error)),
  );

describe('referral codes and attribution', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const member = async (externalId: string) =>
    (await harness.createUser({ platform: 'telegram', external_id: externalId })).id;

  it("a member's referral code is made once, 8 unambiguous characters, with a link", async () => {
    const referrer = await member('4001');
    const first = await harness.core.referrals.codeFor(referrer);
    expect(first.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(first.url).toBe(`http://shop.test/r/${first.code}`);
    const concurrent = await Promise.all([1, 2, 3].map(() => harness.core.referrals.codeFor(referrer)));
    expect(concurrent.map((each) => each.code)).toEqual([first.code, first.code, first.code]);
  });

  it('a referral attributes a member once, to the first code, while the latest code still goes to checkout', async () => {
    const first = await member('4101');
    const second = await member('4102');
    const newcomer = await member('4103');
    const firstCode = (await harness.core.referrals.codeFor(first)).code;
    const secondCode = (await harness.core.referrals.codeFor(second)).code;

    expect(await harness.core.referrals.redeem(newcomer, ` ${firstCode.toLowerCase()} `)).toEqual({
      kind: 'referral',
      code: firstCode,
    });
    expect(await harness.core.referrals.redeem(newcomer, secondCode)).toEqual({ kind: 'referral', code: secondCode });

    const attributions = await harness.core.db
      .select()
      .from(referralAttributions)
      .where(eq(referralAttributions.referredUserId, newcomer));
    expect(attributions).toHaveLength(1);
    expect(attributions[0]).toMatchObject({ referrerUserId: first, code: firstCode, source: 'redeem' });
    expect(await harness.core.referrals.pendingCode(newcomer)).toEqual({ code: secondCode, kind: 'referral' });
    expect(await harness.core.referrals.stats(first)).toMatchObject({ code: firstCode, referred: 1, paying: 0 });
    expect((await harness.core.referrals.stats(second)).referred).toBe(0);
  });

  it('a member cannot refer themselves, by command or by deep link', async () => {
    const self = await member('4201');
    const { code } = await harness.core.referrals.codeFor(self);
    expect(await failureOf(harness.core.referrals.redeem(self, code))).toBe('400 referral_self');
    expect(await harness.core.referrals.attributeFromDeepLink(self, code)).toEqual({ attributed: false });
    expect(await harness.core.db.select().from(pendingCodes).where(eq(pendingCodes.userId, self))).toEqual([]);
    expect((await harness.core.referrals.stats(self)).referred).toBe(0);
  });

  it('an unknown code is code_unknown (promo codes are not supported yet) and changes nothing', async () => {
    const someone = await member('4301');
    expect(await failureOf(harness.core.referrals.redeem(someone, 'SUMMER25'))).toBe('404 code_unknown');
    expect(await failureOf(harness.core.referrals.redeem(someone, 'drop table;'))).toBe('404 code_unknown');
    expect(await failureOf(harness.core.referrals.redeem(someone, '  '))).toBe('400 code_required');
    expect(await harness.core.referrals.pendingCode(someone)).toBeUndefined();
  });

  it('a deep link attributes the member with source deep_link, once', async () => {
    const referrer = await member('4401');
    const invited = await member('4402');
    const { code } = await harness.core.referrals.codeFor(referrer);
    expect(await harness.core.referrals.attributeFromDeepLink(invited, code)).toEqual({ attributed: true });
    expect(await harness.core.referrals.attributeFromDeepLink(invited, code)).toEqual({ attributed: false });
    expect(await harness.core.referrals.attributeFromDeepLink(invited, 'NOSUCHCODE')).toEqual({ attributed: false });
    const [attribution] = await harness.core.db
      .select()
      .from(referralAttributions)
      .where(eq(referralAttributions.referredUserId, invited));
    expect(attribution).toMatchObject({ referrerUserId: referrer, source: 'deep_link' });
  });

  it('referral stats count the referred members who paid', async () => {
    const referrer = await member('4501');
    const payer = await member('4502');
    const browser = await member('4503');
    const { code } = await harness.core.referrals.codeFor(referrer);
    await harness.core.referrals.redeem(payer, code);
    await harness.core.referrals.redeem(browser, code);
    const link = await harness.core.links.checkoutLink({ userId: payer, planId: 'core', method: 'card' });
    const opened = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    const checkoutPath = new URL(String(opened.headers.location)).pathname;
    expect((await harness.app.inject({ method: 'POST', url: `${checkoutPath}/pay` })).statusCode).toBe(200);
    await harness.drain();
    expect(await harness.core.referrals.stats(referrer)).toMatchObject({ code, referred: 2, paying: 1 });
    const sessions = await harness.app.inject({
      method: 'GET',
      url: `/v1/entitlements/${payer}`,
      headers: adminHeaders,
    });
    expect(sessions.json()).toMatchObject({ tier: 'core' });
  });
});
