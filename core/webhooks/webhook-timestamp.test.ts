import { describe, expect, it } from 'vitest';
import { signedTimestampOf, webhookTimestampRefusal } from './webhook-timestamp.js';

const now = 1_763_000_000;

describe('the shared webhook timestamp rule', () => {
  it.each([
    { offset: 0, refusal: null },
    { offset: -300, refusal: null },
    { offset: 300, refusal: null },
    { offset: -301, refusal: 'stale' },
    { offset: 301, refusal: 'future' },
    { offset: 10 * 365 * 24 * 3600, refusal: 'future' },
  ])('a timestamp $offset s from now is refused as $refusal with a 300 s tolerance', ({ offset, refusal }) => {
    expect(webhookTimestampRefusal(now + offset, now, 300)).toBe(refusal);
  });

  it('a timestamp that is not a number is never fresh', () => {
    expect(webhookTimestampRefusal(Number.NaN, now, 300)).toBe('stale');
  });

  it('reads the t= entry of a Stripe-style header, and nothing else', () => {
    expect(signedTimestampOf(`v1=abc,t=${now},v0=def`)).toBe(now);
    expect(signedTimestampOf('v1=abc')).toBeNull();
    expect(signedTimestampOf('t=soon,v1=abc')).toBeNull();
  });
});
