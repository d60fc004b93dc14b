import { describe, expect, it } from 'vitest';
import { edgeId, edgeText, isStorableText } from './edge-text.js';

describe('text the database can store', () => {
  it('refuses NUL and lone surrogates of either half, wherever they sit', () => {
    for (const value of ['\u0000', 'a\u0000b', '\ud800', 'x\udbff', '\udc00', '\udfffy', '\udc00\ud800'])
      expect(isStorableText(value), JSON.stringify(value)).toBe(false);
  });

  it('accepts any other Unicode, paired surrogates (emoji) and other control characters included', () => {
    for (const value of ['', 'plain', 'Ünïcödé', '中文', '🚀', '\ud83d\ude80', 'tab\there', 'line\nbreak'])
      expect(isStorableText(value), JSON.stringify(value)).toBe(true);
  });

  it('edge text keeps chained checks and says what is wrong', () => {
    const schema = edgeText().trim().min(1).max(5);
    expect(schema.parse('  ok  ')).toBe('ok');
    const refused = schema.safeParse('a\u0000');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/NUL/);
  });

  it('edge ids also refuse control characters, empty and too long values', () => {
    const schema = edgeId(8);
    expect(schema.parse('pro_2')).toBe('pro_2');
    for (const value of ['', 'a\tb', 'a\u007f', '\u0000', '\ud800', '123456789'])
      expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });
});
