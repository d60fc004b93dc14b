import { describe, expect, it } from 'vitest';
import { renderTelegramReply } from './render-telegram-reply.js';
import { parseTelegramHtml } from './testing/fake-telegram-html.js';

describe('renderTelegramReply', () => {
  it('escapes member-typed text so it can never inject markup, and Telegram still parses the result', () => {
    const rendered = renderTelegramReply({ text: 'Plan <b>"x"</b> & co', title: 'A < B' });
    expect(rendered.text).toBe('<b>A &lt; B</b>\n\nPlan &lt;b&gt;"x"&lt;/b&gt; &amp; co');
    expect(parseTelegramHtml(rendered.text)).toBe('A < B\n\nPlan <b>"x"</b> & co');
    expect(rendered.options.parse_mode).toBe('HTML');
  });

  it('turns the light markdown into bold and code, leaving markers inside code alone', () => {
    const rendered = renderTelegramReply({ text: 'You are on **Pro**; key `sk_**a**<1>` ok' });
    expect(rendered.text).toBe('You are on <b>Pro</b>; key <code>sk_**a**&lt;1&gt;</code> ok');
    expect(parseTelegramHtml(rendered.text)).toBe('You are on Pro; key sk_**a**<1> ok');
  });

  it('never opens a bold tag across lines', () => {
    const rendered = renderTelegramReply({ text: '**one\ntwo**' });
    expect(rendered.text).toBe('**one\ntwo**');
    expect(() => parseTelegramHtml(rendered.text)).not.toThrow();
  });

  it('writes fields as label lines', () => {
    const rendered = renderTelegramReply({
      text: 'Status',
      fields: [
        { label: 'Plan', value: '**Pro**' },
        { label: 'Renews', value: '12 May 2026' },
      ],
    });
    expect(rendered.text).toBe('Status\n\n<b>Plan:</b> <b>Pro</b>\n<b>Renews:</b> 12 May 2026');
  });

  it('puts url and callback buttons in an inline keyboard, one per row', () => {
    const rendered = renderTelegramReply({
      text: 'Choose',
      buttons: [
        { label: 'Pay', url: 'https://shop.example.com/c/abc' },
        { label: 'Pro', action: 'sub:pro' },
      ],
    });
    expect(rendered.options.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Pay', url: 'https://shop.example.com/c/abc' }],
        [{ text: 'Pro', callback_data: 'sub:pro' }],
      ],
    });
  });

  it('fails loudly on a button action longer than the 64 bytes Telegram allows', () => {
    const action = `ok:${'é'.repeat(31)}`;
    expect(Buffer.byteLength(action)).toBe(65);
    expect(() => renderTelegramReply({ text: 'x', buttons: [{ label: 'Confirm', action }] })).toThrow(
      expect.objectContaining({ code: 'telegram_callback_data_too_long' }),
    );
    const fits = `ok:${'a'.repeat(61)}`;
    expect(() => renderTelegramReply({ text: 'x', buttons: [{ label: 'Confirm', action: fits }] })).not.toThrow();
  });

  it('writes a localhost link into the text, since Telegram refuses such button URLs', () => {
    const rendered = renderTelegramReply({
      text: 'Your link',
      buttons: [{ label: 'Pay', url: 'http://localhost:3000/c/abc' }],
    });
    expect(rendered.options.reply_markup).toBeUndefined();
    expect(rendered.text).toBe('Your link\n\nPay: http://localhost:3000/c/abc');
  });

  it('cuts a reply longer than a Telegram message at a line boundary', () => {
    const rendered = renderTelegramReply({
      text: Array.from({ length: 400 }, (_, index) => `line ${index} **x**`).join('\n'),
    });
    expect(rendered.text.length).toBeLessThanOrEqual(4096);
    expect(rendered.text.endsWith('\n…')).toBe(true);
    expect(() => parseTelegramHtml(rendered.text)).not.toThrow();
  });
});
