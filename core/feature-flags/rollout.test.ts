import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rolloutBucket, rolloutIncludes } from './rollout.js';

describe('rollout of a feature flag', () => {
  const members = Array.from({ length: 2000 }, () => randomUUID());

  it('a member stays in or out as long as the percentage does not change (a stable hash, not a coin toss)', () => {
    for (const member of members.slice(0, 50))
      expect(rolloutBucket('billing_pages', member)).toBe(rolloutBucket('billing_pages', member));
  });

  it('raising the percentage only adds members: nobody already let in is dropped', () => {
    const at = (percentage: number) =>
      new Set(
        members.filter((member) =>
          rolloutIncludes('billing_pages', { mode: 'percentage', allowList: [], percentage }, member),
        ),
      );
    const ten = at(10);
    const fifty = at(50);
    for (const member of ten) expect(fifty.has(member)).toBe(true);
    // Roughly the share asked for (2000 members: well within these bounds).
    expect(ten.size).toBeGreaterThan(120);
    expect(ten.size).toBeLessThan(280);
    expect(at(0).size).toBe(0);
    expect(at(100).size).toBe(members.length);
  });

  it('off lets nobody in, on lets everyone in, the allow-list only the listed members', () => {
    const [listed, other] = members as [string, string];
    expect(rolloutIncludes('billing_pages', { mode: 'off', allowList: [listed], percentage: 100 }, listed)).toBe(false);
    expect(rolloutIncludes('billing_pages', { mode: 'on', allowList: [], percentage: 0 }, other)).toBe(true);
    expect(rolloutIncludes('billing_pages', { mode: 'on', allowList: [], percentage: 0 }, undefined)).toBe(true);
    const allowList = { mode: 'allow_list' as const, allowList: [listed], percentage: 0 };
    expect(rolloutIncludes('billing_pages', allowList, listed)).toBe(true);
    expect(rolloutIncludes('billing_pages', allowList, other)).toBe(false);
  });

  it('an anonymous visitor is never part of a partial rollout', () => {
    expect(rolloutIncludes('billing_pages', { mode: 'percentage', allowList: [], percentage: 99 }, undefined)).toBe(
      false,
    );
    expect(rolloutIncludes('billing_pages', { mode: 'allow_list', allowList: [], percentage: 0 }, undefined)).toBe(
      false,
    );
  });
});
