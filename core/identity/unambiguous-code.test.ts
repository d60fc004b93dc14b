import { describe, expect, it } from 'vitest';
import { normalizeUnambiguous, randomUnambiguous, unambiguousAlphabet } from './unambiguous-code.js';

describe('unambiguous codes', () => {
  it('never contain characters people confuse (0/O, 1/I/L)', () => {
    expect(unambiguousAlphabet).not.toMatch(/[0O1IL]/);
    const drawn = Array.from({ length: 200 }, () => randomUnambiguous(8)).join('');
    expect(drawn).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]+$/);
  });

  it('read back what the member typed, in any case, with or without the dash', () => {
    expect(normalizeUnambiguous('abcd-efgh', 8)).toBe('ABCDEFGH');
    expect(normalizeUnambiguous(' ABCD EFGH ', 8)).toBe('ABCDEFGH');
    expect(normalizeUnambiguous('ABCD-EFG', 8)).toBeUndefined();
    expect(normalizeUnambiguous('ABCD-EFG0', 8)).toBeUndefined();
  });
});
