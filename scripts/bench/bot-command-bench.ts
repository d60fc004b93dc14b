import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Update } from 'grammy/types';
import { createCommandRouter } from '../../bots/commands.js';
import { createChatBots } from '../../bots/create-chat-bots.js';
import type { DiscordBot } from '../../bots/discord/create-discord-bot.js';
import { startFakeDiscordApi } from '../../bots/discord/testing/fake-discord-api.js';
import { signInteraction, testApplicationKeys } from '../../bots/discord/testing/sign-interaction.js';
import { startFakeSlackApi } from '../../bots/slack/testing/fake-slack-api.js';
import { signSlackRequest } from '../../bots/slack/testing/sign-slack-request.js';
import type { TelegramChatBot } from '../../bots/telegram/create-telegram-bot.js';
import { startFakeTelegramApi } from '../../bots/telegram/testing/fake-telegram-api.js';
import { readFixture, readJsonFixture } from '../../core/testing/fixtures.js';
import { identities, users } from '../../db/schema/index.js';
import { buildApp } from '../../web/app.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import { percentile } from './stats.js';

export interface RoundTripFigures {
  adapter: string;
  idle: { p50Ms: number; p99Ms: number; opsPerSecond: number };
  underReconcile: { p50Ms: number; p99Ms: number; opsPerSecond: number };
}

export interface BotBenchFigures {
  members: number;
  rateLimit: number;
  roundTrips: RoundTripFigures[];
  reconcile: {
    windowSeconds: number;
    requests: number;
    achievedPerSecond: number;
    ratio: number;
    busiestSecond: number;
    answered429: number;
    membersDone: number;
  };
}

const guildId = '290926798626357000';
const memberRoleId = '1100000000000000777';
const slackSigningSecret = `bench_${randomBytes(12).toString('hex')}`;

async function measure(iterations: number, once: (index: number) => Promise<void>) {
  const samples: number[] = [];
  const started = performance.now();
  for (let index = 0; index < iterations; index += 1) {
    const begin = performance.now();
    await once(index);
    samples.push(performance.now() - begin);
  }
  const elapsed = performance.now() - started;
  samples.sort((left, right) => left - right);
  return {
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    opsPerSecond: (iterations * 1000) / elapsed,
  };
}

/**
 * `/status` through each adapter's real transport (signed Discord interaction, signed Slack slash
 * command, a Telegram update through grammY, the console) to its reply, first with nothing else
 * running, then while a reconcile of `members` Discord members runs against a fake Discord API
 * that enforces `rateLimit` requests/s like Discord's global limit. The reconcile's request rate
 * is measured over a window and compared with that limit.
 */
export async function runBotCommandBench(
  spec: BenchCoreSpec,
  settings: { members: number; rateLimit: number; iterations: number; windowSeconds: number },
): Promise<BotBenchFigures> {
  const discordApi = await startFakeDiscordApi({ requestsPerSecond: settings.rateLimit });
  const slackApi = await startFakeSlackApi();
  const telegramApi = await startFakeTelegramApi();
  const bench = await createBenchCore(spec, {
    BILLING_PROVIDER_MODE: 'sandbox',
    NODE_ENV: 'test',
    DISCORD_BOT_TOKEN: 'bench',
    DISCORD_APPLICATION_ID: '775799577604522054',
    DISCORD_PUBLIC_KEY: testApplicationKeys.publicKeyHex,
    DISCORD_API_BASE: discordApi.url,
    DISCORD_MODE: 'http',
    DISCORD_REQUESTS_PER_SECOND: String(settings.rateLimit),
    SLACK_BOT_TOKEN: slackApi.token,
    SLACK_SIGNING_SECRET: slackSigningSecret,
    SLACK_API_URL: slackApi.apiUrl,
    TELEGRAM_BOT_TOKEN: telegramApi.token,
    TELEGRAM_API_ROOT: telegramApi.url,
  });
  const { core } = bench;
  await core.startWorker({ schedules: false });
  const router = createCommandRouter(core);
  const bots = createChatBots(core, router, core.logger);
  const discord = bots.find((bot) => bot.platform.name === 'discord') as DiscordBot;
  const telegram = bots.find((bot) => bot.platform.name === 'telegram') as TelegramChatBot;
  await telegram.bot.init();
  const web = await buildApp(core, { docs: false, mounts: bots.flatMap((bot) => bot.mounts) });
  await web.ready();

  try {
    // The community: every member should hold the free tier's Member role and holds nothing yet.
    discordApi.addGuild(guildId, { botRolePosition: 10 });
    discordApi.addRole(guildId, { id: memberRoleId, name: 'Member', position: 1 });
    await core.access.resources.add(
      'free',
      { kind: 'discord_role', scope_id: guildId, resource_id: memberRoleId, label: 'Member' },
      'bench',
    );
    for (let start = 0; start < settings.members; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, settings.members - start) }, (_, offset) => start + offset);
      const created = await core.db
        .insert(users)
        .values(batch.map((index) => ({ displayName: `bench member ${index}` })))
        .returning({ id: users.id });
      await core.db.insert(identities).values(
        created.map((user, offset) => {
          const externalId = String(400000000000000000n + BigInt(start + offset));
          discordApi.addMember(guildId, externalId);
          return { userId: user.id, platform: 'discord', externalId };
        }),
      );
    }
    slackApi.addUser({ id: 'U0BENCH001', name: 'bench' });

    const interaction = readJsonFixture<Record<string, unknown>>(
      'discord',
      'interactions',
      'application_command.chat_input.subscribe.json',
    );
    const slackTemplate = new URLSearchParams(readFixture('slack', 'commands', 'subscribe.form-urlencoded.txt').trim());
    const telegramStart = readJsonFixture<Update>('telegram', 'updates', 'message.start.json');
    let sequence = 0;

    const adapters: Array<{ adapter: string; once: () => Promise<void> }> = [
      {
        adapter: 'console (command table only)',
        once: async () => {
          await router.run(
            { platform: 'console', externalId: 'bench', platformModerator: false },
            { name: 'status', args: {} },
          );
        },
      },
      {
        adapter: 'discord (signed HTTP interaction -> deferred -> edited reply)',
        once: async () => {
          sequence += 1;
          const body = JSON.stringify({
            ...interaction,
            id: String(900000000000000000n + BigInt(sequence)),
            token: `bench-${sequence}`,
            data: { id: '1', name: 'status', type: 1, options: [] },
          });
          const response = await web.inject({
            method: 'POST',
            url: '/v1/discord/interactions',
            headers: signInteraction(body, new Date()),
            payload: body,
          });
          if (response.statusCode !== 200) throw new Error(`discord answered ${response.statusCode}`);
          await discord.idle();
        },
      },
      {
        adapter: 'slack (signed slash command -> ack with the reply)',
        once: async () => {
          const form = new URLSearchParams(slackTemplate);
          form.set('command', '/status');
          form.set('text', '');
          form.set('user_id', 'U0BENCH001');
          form.set('response_url', slackApi.responseUrl(`bench/${sequence}`));
          const body = form.toString();
          const response = await web.inject({
            method: 'POST',
            url: '/v1/slack/commands',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              ...signSlackRequest({
                signingSecret: slackSigningSecret,
                body,
                timestamp: Math.floor(Date.now() / 1000),
              }),
            },
            payload: body,
          });
          if (response.statusCode !== 200) throw new Error(`slack answered ${response.statusCode}`);
        },
      },
      {
        adapter: 'telegram (update through grammY -> sendMessage)',
        once: async () => {
          sequence += 1;
          const update = structuredClone(telegramStart);
          update.update_id = 500000 + sequence;
          Object.assign(update.message!, {
            text: '/status',
            entities: [{ offset: 0, length: 7, type: 'bot_command' }],
          });
          await telegram.bot.handleUpdate(update);
        },
      },
    ];

    // Warm every path once (JIT, first-contact user creation), then measure with nothing else running.
    for (const { once } of adapters) for (let index = 0; index < 20; index += 1) await once();
    const idle = new Map<string, Awaited<ReturnType<typeof measure>>>();
    for (const { adapter, once } of adapters) idle.set(adapter, await measure(settings.iterations, once));

    // The reconcile runs in the background; it is not awaited (10,000 members at the limit take minutes).
    const limited = () => discordApi.requests.filter((request) => !/^\/(interactions|webhooks)\//.test(request.path));
    const reconcile = core.access.reconcileAll().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const windowStart = performance.now();
    discordApi.resetCounters();
    const underReconcile = new Map<string, Awaited<ReturnType<typeof measure>>>();
    for (const { adapter, once } of adapters) underReconcile.set(adapter, await measure(settings.iterations, once));
    const remaining = settings.windowSeconds * 1000 - (performance.now() - windowStart);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const requests = limited().length;
    const membersDone = discordApi.requests.filter((request) => request.method === 'PUT').length;
    void reconcile;

    return {
      members: settings.members,
      rateLimit: settings.rateLimit,
      roundTrips: adapters.map(({ adapter }) => ({
        adapter,
        idle: idle.get(adapter)!,
        underReconcile: underReconcile.get(adapter)!,
      })),
      reconcile: {
        windowSeconds,
        requests,
        achievedPerSecond: requests / windowSeconds,
        ratio: requests / windowSeconds / settings.rateLimit,
        busiestSecond: discordApi.maxRequestsInAnySecond,
        answered429: discordApi.rateLimitedCount,
        membersDone,
      },
    };
  } finally {
    await web.close();
    for (const bot of bots) await bot.stop();
    await bench.dispose().catch(() => undefined);
    await Promise.all([discordApi.close(), slackApi.close(), telegramApi.close()]);
  }
}

export function formatBotBench(figures: BotBenchFigures): string {
  const milliseconds = (value: number) => `${value.toFixed(2)} ms`;
  const lines = [
    `  Bot commands: /status round trip per adapter, idle vs while reconciling ${figures.members.toLocaleString('en-US')} members`,
  ];
  for (const trip of figures.roundTrips) {
    lines.push(
      `    ${trip.adapter}`,
      `      idle            p50 ${milliseconds(trip.idle.p50Ms)}  p99 ${milliseconds(trip.idle.p99Ms)}  ${trip.idle.opsPerSecond.toFixed(0)} ops/s`,
      `      under reconcile p50 ${milliseconds(trip.underReconcile.p50Ms)}  p99 ${milliseconds(trip.underReconcile.p99Ms)}  ${trip.underReconcile.opsPerSecond.toFixed(0)} ops/s  (${(trip.underReconcile.opsPerSecond / trip.idle.opsPerSecond).toFixed(2)}x idle)`,
    );
  }
  const { reconcile } = figures;
  lines.push(
    `  Reconcile throughput against Discord's limit (${figures.rateLimit} req/s, enforced by the fake API)`,
    `    ${reconcile.requests} requests in ${reconcile.windowSeconds.toFixed(1)} s = ${reconcile.achievedPerSecond.toFixed(1)} req/s = ${reconcile.ratio.toFixed(2)}x the limit (target >= 0.9x) ${reconcile.ratio >= 0.9 ? 'MET' : 'MISSED'}`,
    `    busiest second ${reconcile.busiestSecond} requests, ${reconcile.answered429} answered 429 (target 0 over the limit) ${reconcile.answered429 === 0 && reconcile.busiestSecond <= figures.rateLimit ? 'MET' : 'MISSED'}`,
    `    roles granted in the window: ${reconcile.membersDone}`,
  );
  return lines.join('\n');
}
