import { describe, expect, it } from 'vitest';
import { accessTransition } from './access-transition.js';

const state = (tier: string, status: string) => ({ tier, status });

describe('access transition', () => {
  it('gaining a paid tier, or moving to another one, is access_granted', () => {
    expect(accessTransition(undefined, state('pro', 'active'))).toBe('access_granted');
    expect(accessTransition(state('free', 'free'), state('pro', 'trialing'))).toBe('access_granted');
    expect(accessTransition(state('free', 'ended'), state('core', 'active'))).toBe('access_granted');
    expect(accessTransition(state('core', 'active'), state('vip', 'active'))).toBe('access_granted');
  });

  it('a failed payment in grace is payment_failed, once', () => {
    expect(accessTransition(state('pro', 'active'), state('pro', 'past_due'))).toBe('payment_failed');
    expect(accessTransition(state('pro', 'past_due'), state('pro', 'past_due'))).toBeUndefined();
  });

  it('cancel at period end is access_ending, once', () => {
    expect(accessTransition(state('pro', 'active'), state('pro', 'canceled_at_period_end'))).toBe('access_ending');
    expect(accessTransition(state('pro', 'canceled_at_period_end'), state('pro', 'canceled_at_period_end'))).toBe(
      undefined,
    );
  });

  it('losing paid access for any reason is access_revoked', () => {
    for (const status of ['ended', 'refunded', 'disputed', 'frozen', 'past_due', 'free'])
      expect(accessTransition(state('pro', 'canceled_at_period_end'), state('free', status))).toBe('access_revoked');
  });

  it('nothing to say: still free, recovered from past due, resumed, renewed', () => {
    expect(accessTransition(undefined, state('free', 'free'))).toBeUndefined();
    expect(accessTransition(state('free', 'free'), state('free', 'ended'))).toBeUndefined();
    expect(accessTransition(state('pro', 'past_due'), state('pro', 'active'))).toBeUndefined();
    expect(accessTransition(state('pro', 'canceled_at_period_end'), state('pro', 'active'))).toBeUndefined();
    expect(accessTransition(state('pro', 'trialing'), state('pro', 'active'))).toBeUndefined();
  });
});
