import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { renderButtonRows, renderDiscordReply } from './render-discord-reply.js';

describe('renderDiscordReply', () => {
  it('puts a plain reply in content and clears embeds and components of the deferred message', () => {
    expect(renderDiscordReply({ text: 'You are on **Pro**.', private: true })).toEqual({
      content: 'You are on **Pro**.',
      embeds: [],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });

  it('renders a titled reply as one embed with its fields', () => {
    const body = renderDiscordReply({
      text: 'Pick a plan',
      title: 'Plans',
      fields: [
        { label: 'Pro', value: '$49 / month' },
        { label: 'VIP', value: '' },
      ],
      private: true,
    });
    expect(body.content).toBe('');
    expect(body.embeds).toEqual([
      {
        title: 'Plans',
        description: 'Pick a plan',
        fields: [
          { name: 'Pro', value: '$49 / month', inline: true },
          { name: 'VIP', value: '—', inline: true },
        ],
      },
    ]);
  });

  it('turns actions into custom_id buttons and links into link buttons (style 5)', () => {
    const body = renderDiscordReply({
      text: 'Cancel at period end?',
      buttons: [
        { label: 'Confirm', action: 'ok:abc', style: 'danger' },
        { label: 'Keep', action: 'no:abc' },
        { label: 'Pay', url: 'https://shop.test/pay/1' },
      ],
      private: true,
    });
    expect(body.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Confirm', custom_id: 'ok:abc' },
          { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Keep', custom_id: 'no:abc' },
          { type: ComponentType.Button, style: 5, label: 'Pay', url: 'https://shop.test/pay/1' },
        ],
      },
    ]);
  });

  it('keeps Discord limits: five buttons per row, five rows, content cut at 2000 characters', () => {
    const buttons = Array.from({ length: 30 }, (_, index) => ({ label: `b${index}`, action: `sub:${index}` }));
    const rows = renderButtonRows(buttons);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.components.length === 5)).toBe(true);
    expect(renderDiscordReply({ text: 'x'.repeat(2500), private: false }).content).toHaveLength(2000);
  });

  it('leaves out a button whose action does not fit in a custom_id rather than cutting it', () => {
    const rows = renderButtonRows([
      { label: 'too long', action: `ok:${'x'.repeat(100)}` },
      { label: 'fits', action: 'ok:1' },
    ]);
    expect(rows[0]?.components).toEqual([
      { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'fits', custom_id: 'ok:1' },
    ]);
  });
});
