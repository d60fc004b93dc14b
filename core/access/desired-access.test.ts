import { describe, expect, it } from 'vitest';
import { type AccessResourceKind, resourceKey } from '../ports/chat-platform.js';
import { desiredAccess, type PlanForAccess, type PlanResource } from './desired-access.js';

const plan = (id: string, kind: string, rank: number, features: string[] = []): PlanForAccess => ({
  id,
  kind,
  rank,
  features,
});
const plans = new Map(
  [
    plan('free', 'tier', 0, ['community_basic']),
    plan('core', 'tier', 10, ['community_basic', 'private_channels']),
    plan('pro', 'tier', 20, ['community_basic', 'private_channels', 'api_keys']),
    plan('vip', 'tier', 30, ['community_basic', 'private_channels', 'api_keys', 'autotrade_live']),
    plan('addon_backfill', 'addon', 0, ['historical_backfill']),
    plan('addon_seat', 'addon', 0, []),
  ].map((entry) => [entry.id, entry]),
);

const resource = (planId: string, resourceId: string, kind: AccessResourceKind = 'discord_role'): PlanResource => ({
  planId,
  kind,
  scopeId: kind === 'discord_role' ? 'guild-1' : '',
  resourceId,
  label: resourceId,
});
const resources = [
  resource('free', 'role-community'),
  resource('core', 'role-core'),
  resource('core', '-100core', 'telegram_chat'),
  resource('pro', 'role-pro'),
  resource('vip', 'role-vip'),
  resource('addon_backfill', 'C-backfill', 'slack_channel'),
];

const idsOf = (keys: Set<string>) =>
  resources
    .filter((entry) => keys.has(resourceKey(entry)))
    .map((entry) => entry.resourceId)
    .sort();

const desiredFor = (tier: string, status: string, features = plans.get(tier)?.features ?? []) =>
  idsOf(desiredAccess({ tier, status, features }, plans, resources).desired);

describe('desired access', () => {
  it('a tier grants its own resources and those of every lower tier, never a higher one', () => {
    expect(desiredFor('pro', 'active')).toEqual(['-100core', 'role-community', 'role-core', 'role-pro']);
    expect(desiredFor('vip', 'active')).toEqual(['-100core', 'role-community', 'role-core', 'role-pro', 'role-vip']);
  });

  it("the free tier's resources are everyone's, whatever happened to their paid access", () => {
    for (const status of ['free', 'ended', 'refunded', 'disputed', 'frozen', 'past_due'])
      expect(desiredFor('free', status)).toEqual(['role-community']);
  });

  it('grace, trial and cancel-at-period-end keep the tier; any other status on a paid tier grants only free', () => {
    for (const status of ['trialing', 'past_due', 'canceled_at_period_end'])
      expect(desiredFor('core', status)).toEqual(['-100core', 'role-community', 'role-core']);
    expect(desiredFor('core', 'ended')).toEqual(['role-community']);
  });

  it('a held add-on (its features present) grants its resources on top of the tier', () => {
    const features = [...plans.get('core')!.features, 'historical_backfill'];
    expect(desiredFor('core', 'active', features)).toEqual(['-100core', 'C-backfill', 'role-community', 'role-core']);
    expect(desiredFor('core', 'active')).not.toContain('C-backfill');
  });

  it('an add-on without features is never considered held', () => {
    const withSeat = [...resources, resource('addon_seat', 'role-seat')];
    const { desired } = desiredAccess({ tier: 'vip', status: 'active', features: [] }, plans, withSeat);
    expect(desired.has(resourceKey(resource('addon_seat', 'role-seat')))).toBe(false);
  });

  it('every resource of any plan is managed, once, even when two plans list it', () => {
    const shared = [...resources, resource('pro', 'role-core')];
    const { managed } = desiredAccess({ tier: 'free', status: 'free', features: [] }, plans, shared);
    expect(managed.size).toBe(resources.length);
    expect([...managed.values()].map((entry) => entry.resourceId).sort()).toEqual(
      resources.map((entry) => entry.resourceId).sort(),
    );
  });

  it('a resource two plans grant is desired when either plan is held', () => {
    const shared = [...resources, resource('vip', 'role-lounge'), resource('pro', 'role-lounge')];
    const { desired } = desiredAccess({ tier: 'pro', status: 'active', features: [] }, plans, shared);
    expect(desired.has(resourceKey(resource('vip', 'role-lounge')))).toBe(true);
  });

  it('an unknown tier (plan deleted) grants only the free resources', () => {
    expect(desiredFor('legacy', 'active', [])).toEqual(['role-community']);
  });
});
