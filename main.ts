import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from './core/config.js';
import {
  dataDirectoryLockedError,
  readDataDirectoryHolder,
  usesEmbeddedDataDirectory,
} from './core/data-directory/data-directory-lock.js';
import { preparePrivateDataDirectory } from './core/data-directory/private-data-directory.js';
import { isAppError } from './core/errors.js';

// Only what the refusals need is imported statically: a second start on a locked data
// directory must exit at once, not after loading the database, the bots and the web app.
/**
 * Embedded mode without ADMIN_API_KEY: one key is made on first start and kept in the data
 * directory, so it stays the same across restarts and never appears in the repository.
 */
function embeddedAdminKey(config: Config): string {
  const file = path.join(config.DATA_DIR, 'admin-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.DATA_DIR, { recursive: true });
  const key = `adm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** The generated admin key, if a start has made one (`npm run chat` beside a server reads it). */
function storedAdminKey(config: Config): string | undefined {
  const file = path.join(config.DATA_DIR, 'admin-key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function exitLocked(error: Error & { code: string }): never {
  console.error(`${error.code}: ${error.message}`);
  process.exit(1);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const role = process.argv[2] ?? config.APP_ROLE;
  if (!['all', 'web', 'worker', 'bots', 'chat'].includes(role)) {
    console.error(`Unknown role "${role}": use all, web, worker, bots or chat.`);
    process.exit(1);
  }
  // `chat` is `all` plus the terminal shop; its logs go to a file so the prompt stays clean.
  const chat = role === 'chat';
  const embedded = usesEmbeddedDataDirectory(config);
  if (embedded) {
    // Before the admin key or a log file is written: the data directory is the owner's alone.
    preparePrivateDataDirectory(config.DATA_DIR);
    const holder = readDataDirectoryHolder(config.DATA_DIR);
    if (holder && chat) {
      const adminKey = config.ADMIN_API_KEY ?? storedAdminKey(config);
      const io = { input: process.stdin, output: process.stdout, errors: process.stderr };
      const { chatWithRunningShop } = await import('./bots/console/remote-console-chat.js');
      process.exit(await chatWithRunningShop({ holder, adminKey, ...io }));
    }
    // Refused before anything is built; createCore refuses too, should one start in between.
    if (holder) exitLocked(dataDirectoryLockedError(path.resolve(config.DATA_DIR), holder));
  }
  const [
    { createCommandRouter },
    { createConsoleChat },
    { createConsoleChatLogger },
    { consoleChatRoute },
    { createChatBots },
    { createCore },
    { buildApp },
    { buildMetricsApp },
  ] = await Promise.all([
    import('./bots/commands.js'),
    import('./bots/console/console-chat.js'),
    import('./bots/console/console-chat-logs.js'),
    import('./bots/console/console-chat-route.js'),
    import('./bots/create-chat-bots.js'),
    import('./core/index.js'),
    import('./web/app.js'),
    import('./web/metrics-server.js'),
  ]);
  const chatLogs = chat ? createConsoleChatLogger({ dataDir: config.DATA_DIR, level: config.LOG_LEVEL }) : undefined;
  const runs = (part: 'web' | 'worker' | 'bots') => role === 'all' || chat || role === part;
  const generatedKey = !config.ADMIN_API_KEY;
  const core = await createCore({
    config: { ...config, ADMIN_API_KEY: config.ADMIN_API_KEY ?? embeddedAdminKey(config) },
    ...(chatLogs ? { logger: chatLogs.logger } : {}),
    dataDirectoryOwner: { role, port: runs('web') ? config.PORT : undefined, host: config.HOST },
  }).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'data_directory_locked') exitLocked(error);
    throw error;
  });
  if (config.MIGRATE_ON_START) await core.prepareDatabase();

  const closers: Array<() => Promise<unknown>> = [];
  const router = createCommandRouter(core);
  // Every role builds the bots whose tokens are set: the worker needs their REST side for
  // access sync and DMs, the web their HTTP endpoints, the bots role their connections.
  const bots = createChatBots(core, router, core.logger);
  if (runs('worker')) await core.startWorker();
  if (runs('web')) {
    // `npm run chat` beside this server sends its lines here (embedded, non-production only).
    const consoleMounts =
      embedded && config.NODE_ENV !== 'production' ? [consoleChatRoute({ router, adminKey: core.adminKey })] : [];
    const app = await buildApp(core, { mounts: [...bots.flatMap((bot) => bot.mounts), ...consoleMounts] });
    await app.listen({ host: config.HOST, port: config.PORT });
    closers.push(() => app.close());
  }
  if (config.METRICS_PORT !== undefined) {
    const metricsApp = buildMetricsApp(core);
    await metricsApp.listen({ host: config.HOST, port: config.METRICS_PORT });
    closers.push(() => metricsApp.close());
  }
  if (runs('bots')) {
    for (const bot of bots) {
      await bot.start();
      closers.push(() => bot.stop());
    }
    for (const report of await core.access.preflight())
      for (const problem of report.problems)
        core.logger.warn({ platform: report.platform, code: problem.code }, `access preflight: ${problem.message}`);
  }
  closers.push(() => core.close());

  const base = config.PUBLIC_URL;
  console.log(
    [
      '',
      `  Community monetization is running (${chat ? 'all + terminal chat' : role}; ${core.database.kind}; ${config.REDIS_URL ? 'redis + bullmq' : 'in-process queue, memory cache'}; payments: ${config.BILLING_PROVIDER_MODE})`,
      `  Base URL     ${base}`,
      `  API docs     ${base}/docs`,
      `  Plans        ${base}/v1/plans`,
      `  Admin key    ${generatedKey ? `${core.adminKey}  (kept in ${path.join(config.DATA_DIR, 'admin-key')})` : '(from ADMIN_API_KEY)'}`,
      `  Bots         ${bots.map((bot) => bot.platform.name).join(', ') || 'none (set DISCORD_BOT_TOKEN, TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN); try `npm run chat`'}`,
      ...(chatLogs ? [`  Logs         ${chatLogs.file}  (the terminal shows the chat only)`] : []),
      `  Try it       curl -s -X POST ${base}/v1/users -H "authorization: Bearer <admin key>" -H "content-type: application/json" -d '{"email":"member@example.com"}'`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    core.logger.info({ signal }, 'shutting down');
    for (const close of closers)
      await close().catch((error: unknown) => core.logger.error({ err: error }, 'close failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (chat) {
    await createConsoleChat({ router }).start(process.stdin, process.stdout);
    await stop('chat ended');
  }
}

await main();
