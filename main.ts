import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from './core/config.js';
import { createCore } from './core/index.js';
import { buildApp } from './web/app.js';

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
  if (!['all', 'web', 'worker', 'bots'].includes(role)) {
    console.error(`Unknown role "${role}": use all, web, worker or bots.`);
    process.exit(1);
  }
  const generatedKey = !config.ADMIN_API_KEY;
  const core = await createCore({
    config: { ...config, ADMIN_API_KEY: config.ADMIN_API_KEY ?? embeddedAdminKey(config) },
  });
  if (config.MIGRATE_ON_START) await core.prepareDatabase();

  const closers: Array<() => Promise<unknown>> = [];
  if (role === 'all' || role === 'worker') await core.startWorker();
  if (role === 'all' || role === 'web') {
    const app = await buildApp(core);
    await app.listen({ host: config.HOST, port: config.PORT });
    closers.push(() => app.close());
  }
  if (role === 'bots') core.logger.warn('no chat bots are built yet; the bots role has nothing to run');
  closers.push(() => core.close());

  const base = config.PUBLIC_URL;
  console.log(
    [
      '',
      `  Community monetization is running (${role}; ${core.database.kind}; ${config.REDIS_URL ? 'redis + bullmq' : 'in-process queue, memory cache'}; payments: ${config.BILLING_PROVIDER_MODE})`,
      `  Base URL     ${base}`,
      `  API docs     ${base}/docs`,
      `  Plans        ${base}/v1/plans`,
      `  Admin key    ${generatedKey ? `${core.adminKey}  (kept in ${path.join(config.DATA_DIR, 'admin-key')})` : '(from ADMIN_API_KEY)'}`,
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
}

await main();
