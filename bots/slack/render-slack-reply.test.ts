import { describe, expect, it } from 'vitest';
import { linkButtonPrefix, renderSlackReply, toSlackMarkdown } from './render-slack-reply.js';

describe('rendering a reply as Slack Block Kit', () => {
  it('turns **bold** into Slack’s *bold* and escapes &, < and > so member input cannot ping @channel', () => {
    expect(toSlackMarkdown('**Pro** is <b>&</b> <!channel> `code`')).toBe(
      '*Pro* is &lt;b&gt;&amp;&lt;/b&gt; &lt;!channel&gt; `code`',
    );
  });

  it('renders title as a header, text as mrkdwn, fields, and buttons carrying their action', () => {
    const message = renderSlackReply({
      title: 'Plans',
      text: 'Pick a **plan**',
      fields: [{ label: 'Pro — $49.00/mo', value: 'Signals & API' }],
      buttons: [
        { label: 'Get Pro', action: 'sub:pro', style: 'primary' },
        { label: 'Keep my plan', action: 'no:abc', style: 'secondary' },
        { label: 'Pay', url: 'https://shop.test/c/token' },
      ],
    });
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Plans', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Pick a *plan*' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Pro — $49.00/mo*\nSignals &amp; API' }] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Get Pro', emoji: true },
            action_id: 'sub:pro',
            value: 'sub:pro',
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Keep my plan', emoji: true },
            action_id: 'no:abc',
            value: 'no:abc',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Pay', emoji: true },
            url: 'https://shop.test/c/token',
            action_id: `${linkButtonPrefix}2`,
          },
        ],
      },
    ]);
    expect(message.text).toBe('*Plans*\nPick a *plan*');
  });

  it('stays within Block Kit limits: 10 fields a section, 75-character buttons, 3,000-character sections', () => {
    const message = renderSlackReply({
      text: `${'a'.repeat(2500)}\n${'b'.repeat(2500)}`,
      fields: Array.from({ length: 13 }, (_, index) => ({ label: `f${index}`, value: 'v' })),
      buttons: [{ label: 'x'.repeat(100), action: 'sub:pro' }],
    });
    const sections = message.blocks.filter((block) => block.type === 'section');
    expect(sections.map((block) => ('fields' in block ? block.fields?.length : 'text'))).toEqual([
      'text',
      'text',
      10,
      3,
    ]);
    for (const block of sections)
      if ('text' in block && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    const actions = message.blocks.at(-1);
    expect(actions?.type).toBe('actions');
    const button = (actions && 'elements' in actions ? actions.elements[0] : undefined) as
      | { text: { text: string } }
      | undefined;
    expect(button?.text.text).toHaveLength(75);
  });

  it('keeps the buttons when a reply has more content than Slack’s 50 blocks', () => {
    const message = renderSlackReply({
      text: 'many',
      fields: Array.from({ length: 600 }, (_, index) => ({ label: `f${index}`, value: 'v' })),
      buttons: [{ label: 'Confirm', action: 'ok:1' }],
    });
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks.at(-1)?.type).toBe('actions');
  });
});
