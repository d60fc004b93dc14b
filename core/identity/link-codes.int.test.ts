import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, identities, linkCodes, users } from '../../db/schema/index.js';
import { isAppError } from '../errors.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';
import type { LinkIdentity } from './link-codes.js';

const hourMs = 3_600_000;

const failureOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'accepted', status: 200 }),
    (error: unknown) =>
      isAppError(error) ? { code: error.code, status: error.status } : { code: String(error), status: 0 },
  );

describe('identity linking with one-time codes', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const identity = (platform: LinkIdentity['platform'], externalId: string): LinkIdentity => ({ platform, externalId });
  const account = async (who: LinkIdentity) =>
    (await harness.createUser({ platform: who.platform, external_id: who.externalId })).id;

  /** Pays for Pro on the hosted sandbox checkout: real money facts on this user. */
  async function pay(userId: string) {
    const checkout = await harness.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout-session',
      headers: adminHeaders,
      payload: { user_id: userId, plan_id: 'pro' },
    });
    expect(checkout.statusCode).toBe(200);
    const path = new URL(checkout.json<{ url: string }>().url).pathname;
    expect((await harness.app.inject({ method: 'POST', url: `${path}/pay` })).statusCode).toBe(200);
    await harness.drain();
  }

  it('a code from Discord entered on Telegram gives one user and one entitlement set on both', async () => {
    const discord = identity('discord', '3001');
    const telegram = { ...identity('telegram', '3001'), username: 'tg_member' };
    const discordUser = await account(discord);
    const telegramUser = await account(telegram);
    await pay(discordUser);
    const changed: string[] = [];
    harness.core.onEntitlementsChanged(async (change) => {
      changed.push(change.userId);
    });

    const issued = await harness.core.linking.issueCode(discord, discordUser);
    expect(issued.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
    expect(issued.expiresAt.getTime()).toBe(harness.clock.now().getTime() + 10 * 60_000);
    const stored = await harness.core.db.select().from(linkCodes).where(eq(linkCodes.userId, discordUser));
    expect(JSON.stringify(stored)).not.toContain(issued.code.replace('-', ''));

    const result = await harness.core.linking.redeemCode(telegram, issued.code.toLowerCase());
    expect(result).toEqual({ userId: discordUser, linked: true, mergedUserId: telegramUser });
    await harness.drain();

    for (const reference of ['discord:3001', 'telegram:3001', '@tg_member'])
      expect(await harness.core.members.resolve(reference, 'telegram')).toBe(discordUser);
    expect(await harness.core.entitlements.get(discordUser)).toMatchObject({ tier: 'pro', status: 'active' });
    const [folded] = await harness.core.db.select().from(users).where(eq(users.id, telegramUser));
    expect(folded?.mergedIntoUserId).toBe(discordUser);
    // Access sync runs for the survivor, so the Telegram identity gets its access.
    expect(changed).toContain(discordUser);
    const audit = await harness.core.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'identity'), eq(auditLog.subjectId, 'telegram:3001')));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ from_user_id: telegramUser, to_user_id: discordUser });
  });

  it('when only the account entering the code has paid, the paid account survives the fold', async () => {
    const discord = identity('discord', '3101');
    const telegram = identity('telegram', '3101');
    const discordUser = await account(discord);
    const telegramUser = await account(telegram);
    await pay(telegramUser);

    const issued = await harness.core.linking.issueCode(discord, discordUser);
    const result = await harness.core.linking.redeemCode(telegram, issued.code);
    expect(result).toEqual({ userId: telegramUser, linked: true, mergedUserId: discordUser });

    expect(await harness.core.members.resolve('<@3101>', 'slack')).toBe(telegramUser);
    expect(await harness.core.entitlements.get(telegramUser)).toMatchObject({ tier: 'pro', status: 'active' });
    const owners = await harness.core.db
      .select({ userId: identities.userId })
      .from(identities)
      .where(eq(identities.externalId, '3101'));
    expect(owners.map((row) => row.userId)).toEqual([telegramUser, telegramUser]);
  });

  it('an API key of the folded account follows the member: it verifies as the surviving user at once', async () => {
    const discord = identity('discord', '3151');
    const telegram = identity('telegram', '3151');
    const discordUser = await account(discord);
    const telegramUser = await account(telegram);
    await pay(discordUser);
    const { key } = await harness.core.apiKeys.create(
      { kind: 'admin', tag: 'admin:test' },
      { userId: telegramUser, scopes: ['signals:publish'] },
    );
    // Verified once before the fold, so every cache layer remembers the old owner.
    expect(await harness.core.apiKeys.verify(key)).toMatchObject({ userId: telegramUser });

    const issued = await harness.core.linking.issueCode(discord, discordUser);
    await harness.core.linking.redeemCode(telegram, issued.code);

    expect(await harness.core.apiKeys.verify(key)).toMatchObject({ userId: discordUser });
  });

  it('two accounts that both have payments are not folded: link_conflict, and nothing moves', async () => {
    const discord = identity('discord', '3201');
    const telegram = identity('telegram', '3201');
    const discordUser = await account(discord);
    const telegramUser = await account(telegram);
    await pay(discordUser);
    await pay(telegramUser);

    const issued = await harness.core.linking.issueCode(discord, discordUser);
    expect(await failureOf(harness.core.linking.redeemCode(telegram, issued.code))).toEqual({
      code: 'link_conflict',
      status: 409,
    });
    expect(await harness.core.members.resolve('telegram:3201', 'discord')).toBe(telegramUser);
    const [user] = await harness.core.db.select().from(users).where(eq(users.id, telegramUser));
    expect(user?.mergedIntoUserId).toBeNull();
  });

  it('a wrong, a used and an expired code all fail with the same link_code_invalid', async () => {
    const discord = identity('discord', '3301');
    const discordUser = await account(discord);
    await account(identity('telegram', '3301'));
    await account(identity('slack', 'U3301'));

    const used = await harness.core.linking.issueCode(discord, discordUser);
    await harness.core.linking.redeemCode(identity('telegram', '3301'), used.code);
    const afterUse = await failureOf(harness.core.linking.redeemCode(identity('slack', 'U3301'), used.code));

    const expiring = await harness.core.linking.issueCode(discord, discordUser);
    harness.clock.advance(10 * 60_000 + 1);
    const afterExpiry = await failureOf(harness.core.linking.redeemCode(identity('slack', 'U3301'), expiring.code));

    const wrong = await failureOf(harness.core.linking.redeemCode(identity('slack', 'U3301'), 'ABCD-EFGH'));
    const malformed = await failureOf(harness.core.linking.redeemCode(identity('slack', 'U3301'), 'not a code'));
    for (const failure of [afterUse, afterExpiry, wrong, malformed])
      expect(failure).toEqual({ code: 'link_code_invalid', status: 400 });
  });

  it('a newer code retires the older one from the same account', async () => {
    const discord = identity('discord', '3351');
    const discordUser = await account(discord);
    await account(identity('telegram', '3351'));
    const first = await harness.core.linking.issueCode(discord, discordUser);
    await harness.core.linking.issueCode(discord, discordUser);
    expect(await failureOf(harness.core.linking.redeemCode(identity('telegram', '3351'), first.code))).toEqual({
      code: 'link_code_invalid',
      status: 400,
    });
  });

  it('a code entered on the account that issued it is refused with link_same_account', async () => {
    const discord = identity('discord', '3401');
    const discordUser = await account(discord);
    const issued = await harness.core.linking.issueCode(discord, discordUser);
    expect(await failureOf(harness.core.linking.redeemCode(discord, issued.code))).toEqual({
      code: 'link_same_account',
      status: 400,
    });
  });

  it('guessing codes is stopped after 5 wrong tries in 15 minutes, even with a right code after', async () => {
    const victim = identity('discord', '3501');
    const victimUser = await account(victim);
    const guesser = identity('telegram', '3501');
    await account(guesser);
    const issued = await harness.core.linking.issueCode(victim, victimUser);
    const guesses = ['2222-2222', '3333-3333', '4444-4444', '5555-5555', '6666-6666'];
    const answers = await Promise.all(
      guesses.map((guess) => failureOf(harness.core.linking.redeemCode(guesser, guess))),
    );
    expect(answers.every((answer) => answer.code === 'link_code_invalid')).toBe(true);
    expect(await failureOf(harness.core.linking.redeemCode(guesser, issued.code))).toEqual({
      code: 'link_rate_limited',
      status: 429,
    });
    // Another account is not held back by this one's guesses.
    await account(identity('slack', 'U3501'));
    expect((await harness.core.linking.redeemCode(identity('slack', 'U3501'), issued.code)).userId).toBe(victimUser);
  });

  it('an account that changed owner in the last 24 hours cannot be moved again until the day is over', async () => {
    const discord = identity('discord', '3601');
    const telegram = identity('telegram', '3601');
    const slack = identity('slack', 'U3601');
    const discordUser = await account(discord);
    await account(telegram);
    const slackUser = await account(slack);
    // Telegram joins the Discord member (all free, so the issuer survives).
    await harness.core.linking.redeemCode(telegram, (await harness.core.linking.issueCode(discord, discordUser)).code);

    // Entering a Slack code on Telegram would fold the Discord user, moving Telegram again.
    const tooSoon = await harness.core.linking.issueCode(slack, slackUser);
    expect(await failureOf(harness.core.linking.redeemCode(telegram, tooSoon.code))).toEqual({
      code: 'relink_too_soon',
      status: 429,
    });
    expect(await harness.core.members.resolve('telegram:3601', 'console')).toBe(discordUser);

    harness.clock.advance(24 * hourMs + 1000);
    const later = await harness.core.linking.issueCode(slack, slackUser);
    expect(await harness.core.linking.redeemCode(telegram, later.code)).toEqual({
      userId: slackUser,
      linked: true,
      mergedUserId: discordUser,
    });
    expect(await harness.core.members.resolve('<@3601>', 'slack')).toBe(slackUser);
  });

  it('entering a code on an account already linked to the same member changes nothing', async () => {
    const discord = identity('discord', '3701');
    const telegram = identity('telegram', '3701');
    const discordUser = await account(discord);
    await account(telegram);
    await harness.core.linking.redeemCode(telegram, (await harness.core.linking.issueCode(discord, discordUser)).code);
    const again = await harness.core.linking.issueCode(discord, discordUser);
    expect(await harness.core.linking.redeemCode(telegram, again.code)).toEqual({ userId: discordUser, linked: false });
  });

  it('POST /v1/identity/link joins an email identity to the member who issued the code', async () => {
    const discord = identity('discord', '3801');
    const discordUser = await account(discord);
    const issued = await harness.core.linking.issueCode(discord, discordUser);
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/identity/link',
      headers: adminHeaders,
      payload: { code: issued.code, platform: 'email', external_id: 'Member3801@Example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user_id: discordUser, linked: true });
    expect(await harness.core.members.resolve('email:member3801@example.com', 'discord')).toBe(discordUser);

    const reused = await harness.app.inject({
      method: 'POST',
      url: '/v1/identity/link',
      headers: adminHeaders,
      payload: { code: issued.code, platform: 'web', external_id: 'web-3801' },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ error: { code: 'link_code_invalid' } });
    const anonymous = await harness.app.inject({
      method: 'POST',
      url: '/v1/identity/link',
      payload: { code: issued.code, platform: 'web', external_id: 'web-3801' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
