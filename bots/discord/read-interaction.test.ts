import { describe, expect, it } from 'vitest';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import { actorOf, type CommandInteraction, interactionSchema, invocationOf } from './read-interaction.js';

const interactionFixture = (name: string) =>
  interactionSchema.parse(readJsonFixture('discord', 'interactions', `${name}.json`));

const commandFixture = (name: string) => {
  const interaction = interactionFixture(name);
  if (interaction.type !== 2) throw new Error('not a command');
  return interaction as CommandInteraction;
};

describe('reading interactions', () => {
  it('maps options by name, integers as text and users as <@id> mentions (subscribe fixture)', () => {
    expect(invocationOf(commandFixture('application_command.chat_input.subscribe'))).toEqual({
      name: 'subscribe',
      args: { tier: 'pro', months: '3', gift_to: '<@80351110224678912>' },
    });
  });

  it('takes the subcommand and its options (subcommand fixture)', () => {
    expect(invocationOf(commandFixture('application_command.chat_input.subcommand'))).toEqual({
      name: 'membership',
      subcommand: 'cancel',
      args: { reason: 'too expensive' },
    });
  });

  it('builds the actor from the guild member: id, names, guild and Administrator as moderator', () => {
    expect(actorOf(interactionFixture('message_component.button'), [])).toEqual({
      platform: 'discord',
      externalId: '53908232506183680',
      username: 'mason',
      displayName: 'Mason',
      scopeId: '290926798626357999',
      platformModerator: true,
    });
  });

  it('grants moderator rights for Manage Server or a configured role, and not for plain members', () => {
    const base = interactionFixture('message_component.button');
    const withMember = (permissions: string, roles: string[]) =>
      ({ ...base, member: { ...base.member!, permissions, roles } }) as typeof base;
    const manageGuild = String(1n << 5n);
    const sendMessages = String(1n << 11n);
    expect(actorOf(withMember(manageGuild, []), []).platformModerator).toBe(true);
    expect(actorOf(withMember(sendMessages, ['777']), ['777']).platformModerator).toBe(true);
    expect(actorOf(withMember(sendMessages, ['539082325061836999']), ['777']).platformModerator).toBe(false);
  });

  it('treats a DM user (no member) as a plain member without a guild', () => {
    const base = interactionFixture('message_component.button');
    const { member, guild_id, ...rest } = base;
    const actor = actorOf({ ...rest, user: member!.user } as typeof base, ['777']);
    expect(actor).toMatchObject({ externalId: '53908232506183680', platformModerator: false, scopeId: undefined });
  });
});
