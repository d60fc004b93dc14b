import { describe, expect, it } from 'vitest';
import { parseMemberReference } from './member-reference.js';

describe('member references', () => {
  it('reads every format a moderator may type as the member it names', () => {
    const uuid = '5b0c6c1e-8a4f-4c7e-9d59-0f1f2e3d4c5b';
    expect(parseMemberReference(uuid, 'discord')).toEqual({ kind: 'user', userId: uuid });
    expect(parseMemberReference('Alice@Example.com', 'slack')).toEqual({ kind: 'email', email: 'alice@example.com' });
    expect(parseMemberReference('<@123456789012345678>', 'discord')).toEqual({
      kind: 'identity',
      platform: 'discord',
      externalId: '123456789012345678',
    });
    expect(parseMemberReference('<@!123456789012345678>', 'telegram')).toMatchObject({
      platform: 'discord',
      externalId: '123456789012345678',
    });
    expect(parseMemberReference('<@U024BE7LH>', 'slack')).toMatchObject({ platform: 'slack', externalId: 'U024BE7LH' });
    expect(parseMemberReference('<@U024BE7LH|alice>', 'slack')).toMatchObject({
      platform: 'slack',
      externalId: 'U024BE7LH',
    });
    expect(parseMemberReference('@alice', 'telegram')).toEqual({
      kind: 'username',
      platform: 'telegram',
      username: 'alice',
    });
    expect(parseMemberReference('@alice', 'console')).toEqual({ kind: 'username', platform: null, username: 'alice' });
    expect(parseMemberReference('777000', 'telegram')).toEqual({
      kind: 'identity',
      platform: 'telegram',
      externalId: '777000',
    });
    expect(parseMemberReference('telegram:777000', 'discord')).toEqual({
      kind: 'identity',
      platform: 'telegram',
      externalId: '777000',
    });
  });

  it('reads platform:id before anything else, so an email identity is not mistaken for an email address', () => {
    expect(parseMemberReference('email:Alice@Example.com', 'discord')).toEqual({
      kind: 'identity',
      platform: 'email',
      externalId: 'alice@example.com',
    });
  });

  it('reads a bare name on the console as a console member', () => {
    expect(parseMemberReference('dave', 'console')).toEqual({
      kind: 'identity',
      platform: 'console',
      externalId: 'dave',
    });
  });

  it('refuses what names nobody rather than guessing', () => {
    expect(parseMemberReference('', 'discord')).toBeUndefined();
    expect(parseMemberReference('@', 'discord')).toBeUndefined();
    expect(parseMemberReference('myspace:123', 'console')).toBeUndefined();
    expect(parseMemberReference('two words', 'discord')).toBeUndefined();
    expect(parseMemberReference('<@nobody>', 'discord')).toBeUndefined();
  });
});
