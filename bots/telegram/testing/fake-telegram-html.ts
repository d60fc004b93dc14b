import { TelegramApiFailure } from './fake-telegram-state.js';

const allowedTags = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);
const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

const parseError = (detail: string) => new TelegramApiFailure(400, `Bad Request: can't parse entities: ${detail}`);

/**
 * Parses `parse_mode: HTML` text the way Telegram does, strictly: unknown tags, unbalanced tags,
 * a bare `<` or `&` are refused with Telegram's error. Returns the plain text the member sees.
 */
export function parseTelegramHtml(html: string): string {
  const open: string[] = [];
  let plain = '';
  let index = 0;
  while (index < html.length) {
    const character = html[index]!;
    if (character === '<') {
      const end = html.indexOf('>', index);
      const tag = end === -1 ? '' : html.slice(index + 1, end);
      const match = /^(\/?)([a-z-]+)(\s[^<>]*)?$/.exec(tag);
      if (!match || !allowedTags.has(match[2]!))
        throw parseError(`unsupported start tag "${tag.split(/\s/)[0]}" at byte offset ${index}`);
      if (match[1]) {
        if (open.pop() !== match[2])
          throw parseError(`unmatched end tag at byte offset ${index}, expected "</${open.at(-1) ?? ''}>"`);
      } else open.push(match[2]!);
      index = end + 1;
    } else if (character === '&') {
      const end = html.indexOf(';', index);
      const name = end === -1 ? '' : html.slice(index + 1, end);
      const numeric = /^#(\d+|x[0-9a-f]+)$/i.exec(name);
      if (namedEntities[name] !== undefined) plain += namedEntities[name];
      else if (numeric)
        plain += String.fromCodePoint(
          numeric[1]!.startsWith('x') ? Number.parseInt(numeric[1]!.slice(1), 16) : Number(numeric[1]),
        );
      else throw parseError(`unsupported entity at byte offset ${index}`);
      index = end + 1;
    } else {
      plain += character;
      index += 1;
    }
  }
  if (open.length) throw parseError(`can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return plain;
}
