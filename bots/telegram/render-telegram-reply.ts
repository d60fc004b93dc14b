import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { AppError } from '../../core/errors.js';
import type { CommandReply, ReplyButton } from '../command-types.js';

/** Telegram refuses a message longer than this (counted after entity parsing; HTML is longer, so this is safe). */
const maxMessageLength = 4096;
/** Telegram's hard limit on callback_data, in bytes. */
export const maxCallbackDataBytes = 64;

export interface TelegramMessage {
  text: string;
  options: {
    parse_mode: 'HTML';
    link_preview_options: { is_disabled: true };
    reply_markup?: InlineKeyboardMarkup;
  };
}

export const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The reply's light markdown (`**bold**`, `` `code` ``) as Telegram HTML, one line at a time so a
 * stray marker never opens a tag across lines. Everything else is escaped: member-typed text
 * (plan names, usernames) can never inject markup.
 */
export function markdownLineToHtml(line: string): string {
  return line
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`'))
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>');
    })
    .join('');
}

const markdownToHtml = (text: string) => text.split('\n').map(markdownLineToHtml);

/**
 * Telegram answers "button URL is invalid" for hosts it cannot reach (localhost, bare names), which
 * would lose the whole message in a local run; such links go into the text instead.
 */
export function isButtonUrlAccepted(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:' && parsed.protocol !== 'tg:') return false;
    if (parsed.protocol === 'tg:') return true;
    const host = parsed.hostname;
    return host.includes('.') && host !== '127.0.0.1' && !host.endsWith('.localhost') && !host.startsWith('[');
  } catch {
    return false;
  }
}

function toKeyboardButton(button: ReplyButton): InlineKeyboardButton {
  if ('url' in button) return { text: button.label, url: button.url };
  const bytes = Buffer.byteLength(button.action, 'utf8');
  if (bytes > maxCallbackDataBytes)
    // The router must keep actions short (a stored confirmation id); sending it would fail anyway.
    throw new AppError(
      'telegram_callback_data_too_long',
      `Button action is ${bytes} bytes; Telegram allows ${maxCallbackDataBytes}.`,
      { context: { action: button.action } },
    );
  return { text: button.label, callback_data: button.action };
}

function fitToLimit(lines: string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > maxMessageLength - 2) {
      kept.push('…');
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

/** A CommandReply as a Telegram message: HTML text, fields as lines, buttons as an inline keyboard (one per row). */
export function renderTelegramReply(
  reply: Pick<CommandReply, 'text' | 'title' | 'fields' | 'buttons'>,
): TelegramMessage {
  const lines: string[] = [];
  if (reply.title) lines.push(`<b>${escapeHtml(reply.title)}</b>`, '');
  lines.push(...markdownToHtml(reply.text));
  if (reply.fields?.length) {
    lines.push('');
    for (const field of reply.fields)
      lines.push(`<b>${escapeHtml(field.label)}:</b> ${markdownToHtml(field.value).join(' ')}`);
  }
  const rows: InlineKeyboardButton[][] = [];
  const unlinkable: Array<{ label: string; url: string }> = [];
  for (const button of reply.buttons ?? []) {
    if ('url' in button && !isButtonUrlAccepted(button.url)) unlinkable.push(button);
    else rows.push([toKeyboardButton(button)]);
  }
  if (unlinkable.length) {
    lines.push('');
    for (const link of unlinkable) lines.push(`${escapeHtml(link.label)}: ${escapeHtml(link.url)}`);
  }
  return {
    text: fitToLimit(lines),
    options: {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(rows.length ? { reply_markup: { inline_keyboard: rows } } : {}),
    },
  };
}
