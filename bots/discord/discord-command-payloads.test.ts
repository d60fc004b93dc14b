import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../command-definitions.js';
import { discordCommandPayloads } from './discord-command-payloads.js';

const payloads = discordCommandPayloads(commandDefinitions, { hideModeratorCommands: true });
const byName = (name: string) => payloads.find((payload) => payload.name === name);

describe('discordCommandPayloads', () => {
  it('registers every command of the table as a chat input command', () => {
    expect(payloads.map((payload) => payload.name)).toEqual(commandDefinitions.map((definition) => definition.name));
    for (const payload of payloads) {
      expect(payload.type).toBe(1);
      expect(payload.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(payload.description.length).toBeLessThanOrEqual(100);
    }
  });

  it('maps /subscribe arguments to string options with choices, required ones first', () => {
    expect(byName('subscribe')?.options).toEqual([
      { type: ApplicationCommandOptionType.String, name: 'plan', description: expect.any(String), required: true },
      {
        type: ApplicationCommandOptionType.String,
        name: 'method',
        description: expect.any(String),
        required: false,
        choices: [
          { name: 'card', value: 'card' },
          { name: 'crypto', value: 'crypto' },
        ],
      },
      { type: ApplicationCommandOptionType.String, name: 'code', description: expect.any(String), required: false },
    ]);
  });

  it('makes /admin subcommands with user and integer options', () => {
    const admin = byName('admin');
    const grant = admin?.options?.find((option) => option.name === 'grant');
    expect(grant).toMatchObject({
      type: ApplicationCommandOptionType.Subcommand,
      options: [
        { name: 'member', type: ApplicationCommandOptionType.User, required: true },
        { name: 'plan', type: ApplicationCommandOptionType.String, required: true },
        { name: 'days', type: ApplicationCommandOptionType.Integer, required: true },
      ],
    });
    expect(admin?.options?.map((option) => option.name)).toEqual(
      commandDefinitions.find((definition) => definition.name === 'admin')?.subcommands?.map((sub) => sub.name),
    );
    expect(admin?.contexts).toEqual([0]);
  });

  it('hides /admin from members without Manage Server only when no Discord moderator is configured', () => {
    expect(byName('admin')?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(byName('tiers')?.default_member_permissions).toBeUndefined();
    const visible = discordCommandPayloads(commandDefinitions, { hideModeratorCommands: false });
    expect(visible.find((payload) => payload.name === 'admin')?.default_member_permissions).toBeUndefined();
  });
});
