import { describe, expect, it } from 'vitest';
import { commandDefinitions } from './command-definitions.js';
import { parseCommandText, splitWords } from './command-parser.js';

const parse = (text: string) => parseCommandText(text, commandDefinitions);

describe('command text parsing', () => {
  it('maps positional words to the definition’s arguments in order', () => {
    expect(parse('/subscribe pro crypto FRIEND10')).toEqual({
      name: 'subscribe',
      subcommand: undefined,
      args: { plan: 'pro', method: 'crypto', code: 'FRIEND10' },
    });
  });

  it('drops the bot mention Telegram appends in groups and ignores case in the name', () => {
    expect(parse('/Tiers@shop_bot')).toEqual({ name: 'tiers', subcommand: undefined, args: {} });
  });

  it('reads admin subcommands and their arguments', () => {
    expect(parse('/admin grant <@123> vip 30')).toEqual({
      name: 'admin',
      subcommand: 'grant',
      args: { member: '<@123>', plan: 'vip', days: '30' },
    });
  });

  it('keeps quoted words together and lets the last argument take the rest', () => {
    expect(splitWords('create gold "Gold tier" x')).toEqual(['create', 'gold', 'Gold tier', 'x']);
    expect(parse('/admin plans create gold 1900 Gold tier')?.args).toEqual({
      action: 'create',
      plan: 'gold',
      amount: '1900',
      name: 'Gold tier',
    });
  });

  it('keeps the payload of unknown commands such as /start ref_CODE', () => {
    expect(parse('/start ref_ABC123')).toEqual({ name: 'start', args: { text: 'ref_ABC123' } });
  });

  it('is not a command without the leading slash', () => {
    expect(parse('hello there')).toBeUndefined();
    expect(parse('/')).toBeUndefined();
  });
});
