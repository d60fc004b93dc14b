import { existsSync, readFileSync } from 'node:fs';
import { createDatabase, type DatabaseHandle } from '../../db/client.js';
import { createEmptyServerDatabase } from './empty-server-database.js';

/** Where the global setup leaves a migrated PGlite, so each test file loads it instead of migrating. */
export const pgliteTemplateEnvironmentKey = 'PGLITE_TEMPLATE_FILE';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or a new
 * database on the server named by TEST_DATABASE_URL (dropped again on close).
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const empty = await createEmptyServerDatabase(serverUrl);
    // Production waits 2 s at most; a loaded 2-core CI machine running many test files at once
    // can exceed that without anything being wrong, so tests allow more (the outage tests set their own).
    const handle = await createDatabase({
      url: empty.url,
      poolSize: 5,
      statementTimeoutMs: 20_000,
      poolWaitTimeoutMs: 20_000,
    });
    await handle.migrate();
    return {
      ...handle,
      async close() {
        await handle.close();
        await empty.drop();
      },
    };
  }
  const template = process.env[pgliteTemplateEnvironmentKey];
  if (template && existsSync(template)) {
    return createDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(template)]) });
  }
  const handle = await createDatabase({ dataDir: 'memory://' });
  await handle.migrate();
  return handle;
}
