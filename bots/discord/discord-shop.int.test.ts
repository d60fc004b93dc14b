import { GatewayDispatchEvents } from 'discord.js';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFixture } from '../../core/testing/fixtures.js';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { auditLog, purchases } from '../../db/schema/index.js';
import { buildApp } from '../../web/app.js';
import { createCommandRouter } from '../commands.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';
import { createDiscordBot, type DiscordBot } from './create-discord-bot.js';
import { type FakeDiscordApi, startFakeDiscordApi } from './testing/fake-discord-api.js';
import { signInteraction, testApplicationKeys } from './testing/sign-interaction.js';

const guildId = '290926798626357999';
const proRoleId = '1100000000000000001';
const memberId = '80351110224678912';
const moderatorId = '53908232506183680';
const applicationId = '775799577604522054';
/** View Channel + Send Messages: an ordinary member. */
const memberPermissions = String((1n << 10n) | (1n << 11n));
/** All permissions, Administrator included (the fixtures' moderator). */
const moderatorPermissions = '2147483647';

let fake: FakeDiscordApi;
let test: TestApp;
let web: FastifyInstance;
let discord: DiscordBot;
let sequence = 0;

async function setup(environment: Record<string, string> = {}) {
  fake = await startFakeDiscordApi();
  fake.addGuild(guildId, { botRolePosition: 10 });
  fake.addRole(guildId, { id: proRoleId, name: 'Pro', position: 5 });
  fake.addMember(guildId, memberId);
  fake.addMember(guildId, moderatorId);
  test = await createTestApp({
    DISCORD_BOT_TOKEN: 'test',
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_PUBLIC_KEY: testApplicationKeys.publicKeyHex,
    DISCORD_API_BASE: fake.url,
    // Gateway mode without start(): the test plays the gateway's dispatches itself.
    DISCORD_MODE: 'gateway',
    ...environment,
  });
  discord = createDiscordBot({ core: test.core, router: createCommandRouter(test.core), logger: test.core.logger });
  test.core.access.registerPlatform(discord.platform);
  await test.core.access.resources.add(
    'pro',
    { kind: 'discord_role', scope_id: guildId, resource_id: proRoleId, label: 'Pro' },
    'test:setup',
  );
  web = await buildApp(test.core, { docs: false, mounts: discord.mounts });
}

afterEach(async () => {
  await discord?.stop();
  await web?.close();
  await test?.close();
  await fake?.close();
});

/** An interaction shaped like the fixtures, from this user in the guild. */
function interactionFrom(userId: string, permissions: string, kind: Record<string, unknown>, roles: string[] = []) {
  const base = readJsonFixture<Record<string, unknown>>('discord', 'interactions', 'message_component.button.json');
  sequence += 1;
  return {
    ...base,
    ...kind,
    id: `78600872971521${String(sequence).padStart(4, '0')}`,
    token: `token-${sequence}`,
    member: {
      ...(base.member as Record<string, unknown>),
      user: { id: userId, username: `user${userId}`, global_name: null, discriminator: '0', avatar: null },
      roles,
      permissions,
    },
  };
}

const command = (name: string, options: unknown[]) => ({
  type: 2,
  message: undefined,
  data: { name, type: 1, options },
});
const press = (customId: string) => ({ type: 3, data: { custom_id: customId, component_type: 2 } });

/** Signs and posts the interaction like Discord, then waits for the deferred reply; returns what the member sees. */
async function interact(interaction: Record<string, unknown>) {
  const rawBody = JSON.stringify(interaction);
  const response = await web.inject({
    method: 'POST',
    url: '/v1/discord/interactions',
    headers: signInteraction(rawBody, test.clock.now()),
    payload: rawBody,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toEqual({ type: 5, data: { flags: 64 } });
  await discord.idle();
  await test.drain();
  const edit = fake.interactionEdits.find((candidate) => candidate.token === interaction.token);
  expect(edit, 'the deferred reply was never edited').toBeDefined();
  return edit!.body as { content: string; embeds: Array<{ description?: string }>; components: unknown[] };
}

const textOf = (body: Awaited<ReturnType<typeof interact>>) => JSON.stringify(body);

function customIds(body: Awaited<ReturnType<typeof interact>>): string[] {
  return [...JSON.stringify(body.components).matchAll(/"custom_id":"([^"]+)"/g)].map((match) => match[1]!);
}

async function buyPro() {
  const offer = await interact(
    interactionFrom(memberId, memberPermissions, command('subscribe', [{ name: 'plan', type: 3, value: 'pro' }])),
  );
  await payCheckoutLink(test, findCheckoutLink(offer.content));
  await discord.idle();
}

describe('the Discord shop over signed HTTP interactions, end to end', () => {
  beforeEach(async () => {
    await setup();
  });

  it('/subscribe pro → private checkout link → paid → the Pro role is granted on Discord', async () => {
    expect(fake.memberRoles(guildId, memberId)).toEqual([]);
    await buyPro();
    expect(fake.memberRoles(guildId, memberId)).toEqual([proRoleId]);
    const grant = fake.requests.filter((request) => request.method === 'PUT' && request.path.includes('/roles/'));
    expect(grant.map((request) => request.path)).toEqual([`/guilds/${guildId}/members/${memberId}/roles/${proRoleId}`]);
  });

  it('a moderator’s /admin refund, confirmed with the button, removes the role at once', async () => {
    await buyPro();
    const [purchase] = await test.core.db.select().from(purchases);
    expect(purchase).toBeDefined();

    const question = await interact(
      interactionFrom(
        moderatorId,
        moderatorPermissions,
        command('admin', [{ name: 'refund', type: 1, options: [{ name: 'payment', type: 3, value: purchase!.id }] }]),
      ),
    );
    const [confirm] = customIds(question);
    expect(confirm).toMatch(/^ok:/);
    await interact(interactionFrom(moderatorId, moderatorPermissions, press(confirm!)));
    await discord.idle();

    const [refunded] = await test.core.db.select().from(purchases).where(eq(purchases.id, purchase!.id));
    expect(refunded!.refundedAt).not.toBeNull();
    expect(fake.memberRoles(guildId, memberId)).toEqual([]);
  });

  it('a member’s /admin refund is refused and audited, and the member keeps what they paid for', async () => {
    await buyPro();
    const [purchase] = await test.core.db.select().from(purchases);
    const reply = await interact(
      interactionFrom(
        memberId,
        memberPermissions,
        command('admin', [{ name: 'refund', type: 1, options: [{ name: 'payment', type: 3, value: purchase!.id }] }]),
      ),
    );
    expect(textOf(reply)).toContain('(not_moderator)');
    expect(customIds(reply)).toEqual([]);
    const refusals = await test.core.db.select().from(auditLog).where(eq(auditLog.action, 'command.admin.refused'));
    expect(refusals.map((row) => row.actor)).toEqual([`discord:${memberId}`]);
    const [unchanged] = await test.core.db.select().from(purchases).where(eq(purchases.id, purchase!.id));
    expect(unchanged!.refundedAt).toBeNull();
    expect(fake.memberRoles(guildId, memberId)).toEqual([proRoleId]);
  });

  it('a Pro role removed by hand is put back by the reconciler', async () => {
    await buyPro();
    fake.setMemberRoles(guildId, memberId, []);
    await test.core.access.reconcileAll();
    await test.drain();
    expect(fake.memberRoles(guildId, memberId)).toEqual([proRoleId]);
  });

  it('a paying member who left and rejoins gets the role back when the gateway reports the join', async () => {
    await buyPro();
    fake.removeMember(guildId, memberId);
    await test.core.access.reconcileAll();
    await test.drain();
    fake.addMember(guildId, memberId);

    discord.gateway!.client.ws.emit(
      GatewayDispatchEvents.GuildMemberAdd,
      { guild_id: guildId, user: { id: memberId, username: 'nelly' }, roles: [] },
      0,
    );
    await discord.idle();
    await test.drain();
    expect(fake.memberRoles(guildId, memberId)).toEqual([proRoleId]);
  });
});

describe('moderators by Discord role', () => {
  it('a member holding a DISCORD_MODERATOR_ROLE_IDS role may run /admin without Discord permissions', async () => {
    const moderatorRoleId = '1200000000000000002';
    await setup({ DISCORD_MODERATOR_ROLE_IDS: moderatorRoleId });
    const stats = command('admin', [{ name: 'stats', type: 1 }]);
    const allowed = await interact(interactionFrom(memberId, memberPermissions, stats, [moderatorRoleId]));
    expect(textOf(allowed)).toContain('MRR');
    const refused = await interact(interactionFrom(memberId, memberPermissions, stats, [proRoleId]));
    expect(textOf(refused)).toContain('(not_moderator)');
  });
});
