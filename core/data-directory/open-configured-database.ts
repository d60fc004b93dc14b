import path from 'node:path';
import { createDatabase, type DatabaseHandle } from '../../db/client.js';
import type { Config } from '../config.js';
import { type DatabaseTimeoutSettings, databaseTimeouts } from '../database-timeouts.js';
import { acquireDataDirectoryLock, usesEmbeddedDataDirectory } from './data-directory-lock.js';
import { preparePrivateDataDirectory, tightenDataDirectory } from './private-data-directory.js';

/** What the lock file says about this process, so a second one can name it (and `npm run chat` find it). */
export interface DataDirectoryOwner {
  role: string;
  port?: number | undefined;
  host?: string | undefined;
}

/**
 * The database the config names. In embedded mode the data directory is made private and locked
 * before PGlite opens it: two processes on one PGlite directory each see only their own writes
 * and leave it inconsistent, so a second one fails here with `data_directory_locked`.
 */
export async function openConfiguredDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<DatabaseTimeoutSettings>,
  owner: DataDirectoryOwner = { role: path.basename(process.argv[1] ?? 'node') },
): Promise<DatabaseHandle> {
  const pgliteDirectory = `${config.DATA_DIR.replace(/\/$/, '')}/pglite`;
  if (!usesEmbeddedDataDirectory(config))
    return createDatabase({ url: config.DATABASE_URL, dataDir: pgliteDirectory, ...databaseTimeouts(config) });

  preparePrivateDataDirectory(config.DATA_DIR);
  const lock = acquireDataDirectoryLock({ directory: config.DATA_DIR, ...owner });
  // process.exit() skips close(); the lock goes with the process anyway.
  process.once('exit', lock.release);
  const release = () => {
    process.off('exit', lock.release);
    lock.release();
  };
  let database: DatabaseHandle;
  try {
    database = await createDatabase({ dataDir: pgliteDirectory });
  } catch (error) {
    release();
    throw error;
  }
  tightenDataDirectory(config.DATA_DIR);
  return {
    ...database,
    async close() {
      try {
        await database.close();
        tightenDataDirectory(config.DATA_DIR);
      } finally {
        release();
      }
    },
  };
}
