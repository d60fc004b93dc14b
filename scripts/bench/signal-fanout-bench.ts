import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBullmqQueue } from '../../core/adapters/bullmq-queue.js';
import { createInProcessQueue } from '../../core/adapters/in-process-queue.js';
import { loadConfig } from '../../core/config.js';
import { createCore } from '../../core/index.js';
import { createLogger } from '../../core/logger.js';
import { createFakeChatPlatform } from '../../core/testing/fake-chat-platform.js';
import type { BenchCoreSpec } from './bench-core.js';

export interface SignalFanoutSettings {
  recipients: number;
  /** Messages per second the fake platform allows and the sender is configured with. */
  limit: number;
  /** How long the send rate is measured, once sending has settled. */
  windowSeconds: number;
}

export interface SignalFanoutFigures {
  recipients: number;
  limit: number;
  planSeconds: number;
  sendsInWindow: number;
  windowSeconds: number;
  rateRatio: number;
  busiestSecond: number;
  overLimitInAnySecond: number;
  rejectedByPlatform: number;
  peakRssMb: number;
  peakHeapMb: number;
}

/**
 * One signal to `recipients` members on a local fake platform that answers 429 above `limit`:
 * how long planning every delivery row takes, and the send rate the token buckets achieve
 * against the limit over a fixed window (not the whole 100k, which would take minutes).
 */
export async function runSignalFanoutBench(
  spec: BenchCoreSpec,
  settings: SignalFanoutSettings,
): Promise<SignalFanoutFigures> {
  const dataDir = spec.databaseUrl ? undefined : mkdtempSync(path.join(tmpdir(), 'cm-bench-signals-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: spec.adminKey,
    PUBLIC_URL: 'http://127.0.0.1',
    SIGNAL_DISCORD_REQUESTS_PER_SECOND: String(settings.limit),
    SIGNAL_FANOUT_BATCH_SIZE: '1000',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}),
    ...(spec.redisUrl ? { REDIS_URL: spec.redisUrl } : {}),
    REDIS_PREFIX: `bench:${randomBytes(5).toString('hex')}:`,
  });
  const logger = createLogger({ level: 'silent' });
  const redisPrefix = config.REDIS_PREFIX;
  // Enough sends in flight to keep the bucket full while each waits on the database.
  const concurrency = 64;
  const queue = spec.redisUrl
    ? createBullmqQueue({ url: spec.redisUrl, prefix: `${redisPrefix}bull`, logger, concurrency })
    : createInProcessQueue({ logger, concurrency });
  const core = await createCore({ config, logger, queue });
  let peakRss = 0;
  let peakHeap = 0;
  const sampleMemory = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  // Also sampled from the send path: a timer alone can be held back (see below).
  const sampler = setInterval(sampleMemory, 100);
  try {
    await core.prepareDatabase();
    // Delays are plan data; the bench measures sending, so Free sends at once.
    await core.database.exec(
      `update plans set quotas = quotas || '{"signal_delay_seconds": 0}'::jsonb where id = 'free'`,
    );
    // In chunks: one 100k-row statement is more than embedded PGlite's memory likes.
    for (let done = 0; done < settings.recipients; done += 10_000) {
      const count = Math.min(10_000, settings.recipients - done);
      await core.database.exec(`
        with created as (
          insert into users (id, created_at, updated_at)
            select gen_random_uuid(), now(), now() from generate_series(1, ${count})
            returning id
        )
        insert into identities (user_id, platform, external_id, created_at)
          select id, 'discord', (${done} + row_number() over (order by id))::text, now() from created;
      `);
    }
    const fake = createFakeChatPlatform({ name: 'discord', requestsPerSecond: settings.limit });
    // The window is read from the platform's own arrival times, and its end is noticed by the
    // platform too: embedded PGlite answers on the main thread, so a busy fan-out can hold
    // timers (and a bench's sleep) back, but never the sends themselves.
    const windowMs = settings.windowSeconds * 1000;
    let firstSendAt: number | undefined;
    let delivered = 0;
    let windowOver: () => void = () => {};
    const windowDone = new Promise<void>((resolve) => {
      windowOver = resolve;
    });
    core.access.registerPlatform({
      ...fake.platform,
      async sendDirectMessage(externalId, message) {
        await fake.platform.sendDirectMessage(externalId, message);
        const now = Date.now();
        firstSendAt ??= now;
        delivered += 1;
        if (delivered % 250 === 0) sampleMemory();
        if (now >= firstSendAt + 1000 + windowMs || delivered === settings.recipients) windowOver();
      },
    });

    // Planned with no worker running, so the figure is the planner's alone; the send jobs wait.
    const planStart = performance.now();
    const { signal } = await core.signals.publish(
      {
        instrument: 'BTCUSDT',
        side: 'long',
        entry: '64250.5',
        stop: '63000',
        targets: ['66000'],
        idempotency_key: `bench-${randomBytes(6).toString('hex')}`,
      },
      'bench',
    );
    await core.signals.planFanout(signal.id, {});
    sampleMemory();
    const planSeconds = (performance.now() - planStart) / 1000;

    // Not awaited: the worker's start-up sweep queues behind the sends it has just released.
    const worker = core.startWorker({ schedules: false });
    await windowDone;
    // Measured from one second after the first send, when the buckets have settled.
    const windowStart = (firstSendAt ?? 0) + 1000;
    const inWindow = fake.calls.filter(
      (call) => call.method === 'dm' && !call.error && call.at >= windowStart && call.at < windowStart + windowMs,
    ).length;
    await worker;
    const busiest = fake.busiestWindow();
    return {
      recipients: settings.recipients,
      limit: settings.limit,
      planSeconds,
      sendsInWindow: inWindow,
      windowSeconds: settings.windowSeconds,
      rateRatio: inWindow / settings.windowSeconds / settings.limit,
      busiestSecond: busiest.calls,
      overLimitInAnySecond: Math.max(0, busiest.calls - busiest.allowed),
      rejectedByPlatform: fake.overLimit,
      peakRssMb: peakRss / 1_048_576,
      peakHeapMb: peakHeap / 1_048_576,
    };
  } finally {
    clearInterval(sampler);
    await core.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatSignalFanout(figures: SignalFanoutFigures): string {
  const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
  return [
    `  signal fan-out to ${figures.recipients.toLocaleString('en-US')} recipients, platform limit ${figures.limit} msg/s`,
    `    plan every delivery row:      ${figures.planSeconds.toFixed(1)} s`,
    `    send rate over ${figures.windowSeconds} s:         ${(figures.sendsInWindow / figures.windowSeconds).toFixed(0)} msg/s = ${figures.rateRatio.toFixed(3)}x the limit (goal >= 0.95x: ${verdict(figures.rateRatio >= 0.95)})`,
    `    busiest second:               ${figures.busiestSecond} sends, ${figures.overLimitInAnySecond} over the limit (goal 0: ${verdict(figures.overLimitInAnySecond === 0)}); 429s from the platform: ${figures.rejectedByPlatform}`,
    `    peak memory:                  RSS ${figures.peakRssMb.toFixed(0)} MB, heap ${figures.peakHeapMb.toFixed(0)} MB`,
  ].join('\n');
}
