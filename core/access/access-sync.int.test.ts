import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessAssignments } from '../../db/schema/index.js';
import type { AccessResource } from '../ports/chat-platform.js';
import { createFakeChatPlatform, type FakeChatPlatform } from '../testing/fake-chat-platform.js';
import { sandboxShop } from '../testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';

const guild = '900000000000000001';
const role = (resourceId: string, label: string): AccessResource => ({
  kind: 'discord_role',
  scopeId: guild,
  resourceId,
  label,
});
const roles = {
  free: role('910000000000000001', 'Community'),
  core: role('910000000000000002', 'Core'),
  pro: role('910000000000000003', 'Pro'),
  vip: role('910000000000000004', 'VIP'),
};
const coreChat: AccessResource = {
  kind: 'telegram_chat',
  scopeId: '',
  resourceId: '-1001000000001',
  label: 'Core chat',
};

const waitUntil = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('access sync', () => {
  let harness: TestApp;
  let discord: FakeChatPlatform;
  let telegram: FakeChatPlatform;
  const shop = sandboxShop(() => harness);
  let nextId = 0;

  /** A member with a Discord account, in the guild unless told otherwise. */
  async function discordMember(options: { inGuild?: boolean } = {}) {
    nextId += 1;
    const externalId = `80000000000000${String(nextId).padStart(4, '0')}`;
    const { id } = await harness.createUser({
      email: `member${nextId}@example.com`,
      platform: 'discord',
      external_id: externalId,
    });
    if (options.inGuild !== false) discord.join(externalId, guild);
    return { userId: id, externalId };
  }

  const heldRoles = (externalId: string) =>
    Object.entries(roles)
      .filter(([, resource]) => discord.holds(externalId, resource))
      .map(([plan]) => plan);
  const changesFor = (fake: FakeChatPlatform, externalId: string) =>
    fake.changes().filter((call) => call.externalId === externalId);
  const assignment = async (externalId: string, resource: AccessResource) => {
    const rows = await harness.core.db
      .select()
      .from(accessAssignments)
      .where(eq(accessAssignments.externalId, externalId));
    return rows.find((row) => row.resourceId === resource.resourceId);
  };

  beforeAll(async () => {
    harness = await createTestApp();
    const clock = () => harness.core.clock.now();
    discord = createFakeChatPlatform({ name: 'discord', requestsPerSecond: 50, clock });
    telegram = createFakeChatPlatform({ name: 'telegram', requestsPerSecond: 20, clock, inviteTtlMs: 3_600_000 });
    harness.core.access.registerPlatform(discord.platform);
    harness.core.access.registerPlatform(telegram.platform);
    for (const [planId, resource] of [...Object.entries(roles), ['core', coreChat] as const]) {
      const response = await harness.app.inject({
        method: 'POST',
        url: `/admin/plans/${planId}/access`,
        headers: adminHeaders,
        payload: {
          kind: resource.kind,
          scope_id: resource.scopeId,
          resource_id: resource.resourceId,
          label: resource.label,
        },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  });
  afterAll(async () => harness?.close());

  it("a purchase grants the plan's role and every lower tier's role, never a higher one", async () => {
    const member = await discordMember();
    await shop.subscribe(member.userId, 'pro');
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free', 'pro']);
    expect(await assignment(member.externalId, roles.pro)).toMatchObject({ state: 'granted', attempts: 0 });
    const metrics = await harness.core.metrics.registry.getSingleMetricAsString('access_drift_repaired_total');
    expect(metrics).toMatch(/access_drift_repaired_total\{platform="discord",action="grant"\} [1-9]/);
  });

  it('a settled member: a second reconcile reads but sends no grant or revoke', async () => {
    const member = await discordMember();
    await shop.subscribe(member.userId, 'core');
    const before = discord.calls.length;
    const changesBefore = changesFor(discord, member.externalId).length;
    const report = await harness.core.access.reconcileUser(member.userId);
    expect(report).toMatchObject({ userId: member.userId, actions: [], waiting: [], failures: 0 });
    expect(changesFor(discord, member.externalId)).toHaveLength(changesBefore);
    const since = discord.calls.slice(before);
    expect(since.every((call) => call.method === 'read')).toBe(true);
    expect(since).toHaveLength(Object.keys(roles).length);
  });

  it('two reconciles of one member at once never interleave: the missing role is granted once', async () => {
    const member = await discordMember();
    await harness.core.access.reconcileUser(member.userId);
    // The first read computed the member's entitlements, which queued its own reconcile.
    await harness.drain();
    discord.setHeld(member.externalId, roles.free, false);
    const first = harness.core.access.reconcileUser(member.userId);
    // The others arrive while the first is under way: they wait for it, then share one more pass.
    await new Promise((resolve) => setImmediate(resolve));
    const reports = new Set(
      await Promise.all([
        first,
        harness.core.access.reconcileUser(member.userId),
        harness.core.access.reconcileUser(member.userId),
      ]),
    );
    expect(reports.size).toBe(2);
    const grants = changesFor(discord, member.externalId).filter(
      (call) => call.resource?.resourceId === roles.free.resourceId,
    );
    expect(grants).toHaveLength(2); // the first reconcile above, then exactly one repair
    expect([...reports].flatMap((report) => report.actions.filter((action) => action.action === 'grant'))).toHaveLength(
      1,
    );
  });

  it('a refund revokes the paid roles now and keeps the community role', async () => {
    const member = await discordMember();
    await shop.subscribe(member.userId, 'pro');
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free', 'pro']);
    await shop.refundLatest(member.userId);
    expect(heldRoles(member.externalId)).toEqual(['free']);
    expect(await assignment(member.externalId, roles.pro)).toMatchObject({ state: 'revoked' });
  });

  it('cancel at period end keeps the roles until the period ends, then the sweep revokes them', async () => {
    const member = await discordMember();
    await shop.subscribe(member.userId, 'core');
    const periodEnd = await shop.periodEnd(member.userId);
    await shop.cancelAtPeriodEnd(member.userId);
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free']);

    harness.clock.set(new Date(periodEnd.getTime() - 60_000));
    await harness.core.entitlements.sweepDue();
    await harness.drain();
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free']);

    harness.clock.set(new Date(periodEnd.getTime() + 1000));
    await harness.core.entitlements.sweepDue();
    await harness.drain();
    expect(heldRoles(member.externalId)).toEqual(['free']);
  });

  it('a role removed by hand is restored by the next reconcile, and the repair is counted', async () => {
    const member = await discordMember();
    await shop.subscribe(member.userId, 'core');
    discord.setHeld(member.externalId, roles.core, false);
    const report = await harness.core.access.reconcileUser(member.userId);
    expect(report.actions).toEqual([
      expect.objectContaining({ platform: 'discord', action: 'grant', outcome: 'granted', resource: roles.core }),
    ]);
    expect(discord.holds(member.externalId, roles.core)).toBe(true);
  });

  it('a role added by hand to a member who has not paid is taken away', async () => {
    const member = await discordMember();
    discord.setHeld(member.externalId, roles.vip, true);
    const report = await harness.core.access.reconcileUser(member.userId);
    await harness.drain();
    expect(report.actions).toContainEqual(
      expect.objectContaining({ action: 'revoke', outcome: 'revoked', resource: roles.vip }),
    );
    expect(heldRoles(member.externalId)).toEqual(['free']);
  });

  it('a member not in the guild waits, and is granted once memberJoined reports the join', async () => {
    const member = await discordMember({ inGuild: false });
    await shop.subscribe(member.userId, 'core');
    expect(heldRoles(member.externalId)).toEqual([]);
    expect(await assignment(member.externalId, roles.core)).toMatchObject({ state: 'waiting_member' });
    const report = await harness.core.access.reconcileUser(member.userId);
    expect(report.waiting.map((entry) => entry.resource.resourceId).sort()).toEqual(
      [roles.free.resourceId, roles.core.resourceId].sort(),
    );

    discord.join(member.externalId, guild);
    await harness.core.access.memberJoined('discord', member.externalId);
    await harness.drain();
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free']);
    // A join from someone we do not know changes nothing.
    await expect(harness.core.access.memberJoined('discord', '123456789012345678')).resolves.toBeUndefined();
  });

  it('a Telegram grant is one personal invite by DM: never a second while it is live, a new one once it expired', async () => {
    const { id: userId } = await harness.createUser({ platform: 'telegram', external_id: '7000001' });
    await shop.subscribe(userId, 'core');
    const invites = () =>
      telegram.dms.filter((dm) => dm.externalId === '7000001' && dm.message.links?.[0]?.url.includes('t.me'));
    expect(invites()).toHaveLength(1);
    const first = invites()[0]!.message.links![0]!.url;
    expect(await assignment('7000001', coreChat)).toMatchObject({
      state: 'invited',
      detail: { inviteUrl: first, delivered: true },
    });
    expect(await harness.core.access.shouldHold('telegram', '7000001', coreChat)).toBe(true);
    expect(await harness.core.access.shouldHold('telegram', '7000002', coreChat)).toBe(false);

    await harness.core.access.reconcileUser(userId);
    expect(invites()).toHaveLength(1);

    harness.clock.advance(2 * 3_600_000);
    await harness.core.access.reconcileUser(userId);
    expect(invites()).toHaveLength(2);
    const second = invites()[1]!.message.links![0]!.url;
    expect(telegram.followInvite('7000001', first)).toBe(false);
    expect(telegram.followInvite('7000001', second)).toBe(true);

    await harness.core.access.reconcileUser(userId);
    expect(await assignment('7000001', coreChat)).toMatchObject({ state: 'granted' });
    expect(invites()).toHaveLength(2);
  });

  it('an invite whose DM could not be delivered is sent again by the next pass: the same link, not a new one', async () => {
    const { id: userId } = await harness.createUser({ platform: 'telegram', external_id: '7000003' });
    telegram.fail({ code: 'platform_member_unreachable', method: 'dm', externalId: '7000003' });
    await shop.subscribe(userId, 'core');
    const row = await assignment('7000003', coreChat);
    expect(row).toMatchObject({
      state: 'invited',
      lastErrorCode: 'platform_member_unreachable',
      detail: { delivered: false },
    });
    telegram.clearFailures();
    await harness.core.access.reconcileUser(userId);
    const delivered = telegram.dms.filter(
      (dm) => dm.externalId === '7000003' && dm.message.links?.[0]?.url.includes('t.me'),
    );
    expect(delivered.map((dm) => dm.message.links![0]!.url)).toEqual([row!.detail.inviteUrl]);
    expect(changesFor(telegram, '7000003').filter((call) => call.method === 'grant')).toHaveLength(1);
    expect(await assignment('7000003', coreChat)).toMatchObject({ state: 'invited', detail: { delivered: true } });
  });

  it('a missing permission is recorded as needing a person, not retried in a loop, and healed by a later pass', async () => {
    const member = await discordMember();
    discord.fail({ code: 'platform_permission_missing', method: 'grant', externalId: member.externalId });
    await shop.subscribe(member.userId, 'core');
    const row = await assignment(member.externalId, roles.core);
    expect(row).toMatchObject({
      state: 'failed',
      lastErrorCode: 'platform_permission_missing',
      needsPerson: true,
      nextAttemptAt: null,
    });
    // Nothing is waiting to retry it: only the schedule (or the next change) tries again.
    expect(await harness.core.queue.depth()).toBe(0);
    const failures = await harness.core.metrics.registry.getSingleMetricAsString('access_sync_failures_total');
    expect(failures).toContain('code="platform_permission_missing"');

    discord.clearFailures();
    const totals = await harness.core.access.reconcileAll();
    expect(totals.failures).toBe(0);
    expect(totals.members).toBeGreaterThanOrEqual(nextId);
    expect(heldRoles(member.externalId).sort()).toEqual(['core', 'free']);
    expect(await assignment(member.externalId, roles.core)).toMatchObject({
      state: 'granted',
      needsPerson: false,
      lastErrorCode: null,
    });
  });

  it('preflight asks each platform about its own resources; assignmentsOf lists what the reconciler did', async () => {
    discord.preflightProblems = [
      { code: 'platform_role_above_bot', message: 'VIP is above the bot', resource: roles.vip },
    ];
    const reports = await harness.core.access.preflight();
    expect(reports).toEqual([
      { platform: 'discord', problems: discord.preflightProblems },
      { platform: 'telegram', problems: [] },
    ]);
    discord.preflightProblems = [];

    const member = await discordMember();
    await shop.subscribe(member.userId, 'core');
    const rows = await harness.core.access.assignmentsOf(member.userId);
    expect(rows.map((row) => [row.resourceId, row.state]).sort()).toEqual(
      [
        [roles.core.resourceId, 'granted'],
        [roles.free.resourceId, 'granted'],
      ].sort(),
    );
  });

  it('a 429 pauses every call on the platform for retry_after, and the scheduled retry then grants', async () => {
    const other = await discordMember();
    await harness.core.access.reconcileUser(other.userId);
    const limited = await discordMember();
    await harness.core.access.reconcileUser(limited.userId);
    await harness.drain();
    discord.setHeld(limited.externalId, roles.free, false);
    discord.fail({
      code: 'platform_rate_limited',
      method: 'grant',
      externalId: limited.externalId,
      retryAfterMs: 1000,
      times: 1,
    });

    const running = harness.core.access.reconcileUser(limited.userId);
    await waitUntil(() => discord.calls.some((call) => call.externalId === limited.externalId && call.error));
    const failed = discord.calls.find((call) => call.externalId === limited.externalId && call.error)!;
    // Someone else's reconcile, started once the 429 was in, waits out retry_after too.
    const before = discord.calls.length;
    await harness.core.access.reconcileUser(other.userId);
    const othersCalls = discord.calls.slice(before).filter((call) => call.externalId === other.externalId);
    expect(othersCalls.length).toBeGreaterThan(0);
    expect(Math.min(...othersCalls.map((call) => call.at))).toBeGreaterThanOrEqual(failed.at + 1000);

    const report = await running;
    expect(report.failures).toBe(1);
    expect(report.actions).toContainEqual(
      expect.objectContaining({ action: 'grant', outcome: 'failed', errorCode: 'platform_rate_limited' }),
    );
    const row = await assignment(limited.externalId, roles.free);
    expect(row).toMatchObject({
      state: 'failed',
      lastErrorCode: 'platform_rate_limited',
      needsPerson: false,
      attempts: 1,
    });
    expect(row!.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(harness.clock.now().getTime() + 1000);

    // The delayed access.reconcile job (max of retry_after and the backoff) repairs it.
    await waitUntil(() => discord.holds(limited.externalId, roles.free));
    await waitUntil(async () => (await assignment(limited.externalId, roles.free))?.state === 'granted');
    expect(await assignment(limited.externalId, roles.free)).toMatchObject({ attempts: 0, lastErrorCode: null });
    // Over the whole file, the gate kept Discord under its limit.
    expect(discord.overLimit).toBe(0);
    const busiest = discord.busiestWindow();
    expect(busiest.calls).toBeLessThanOrEqual(busiest.allowed);
  });
});
