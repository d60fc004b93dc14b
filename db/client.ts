import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
// Both drivers extend PgDatabase; core only sees this common surface.
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: functions that write take this. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  /**
   * Runs `work` while holding the database-wide migration lock, so processes started together
   * take turns at migrate + seed instead of racing on the same DDL (PostgreSQL: a session
   * advisory lock on one reserved connection; PGlite: one process per data directory anyway).
   */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>;
  /** Runs a statement that has no result, outside the query builder (DDL in tests, bench). */
  exec(statement: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One advisory lock key for every process of this app that migrates or seeds. */
const migrationLockName = 'community-monetization:migrate';

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /** A PGlite data directory dump to start from (tests load a migrated template instead of migrating). */
  loadDataDir?: Blob;
}

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePostgres(db as never, { migrationsFolder }),
      async withMigrationLock(work) {
        const connection = await client.reserve();
        try {
          await connection`select pg_advisory_lock(hashtext(${migrationLockName}))`;
          try {
            return await work();
          } finally {
            await connection`select pg_advisory_unlock(hashtext(${migrationLockName}))`;
          }
        } finally {
          connection.release();
        }
      },
      exec: async (statement) => {
        await client.unsafe(statement);
      },
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    withMigrationLock: (work) => work(),
    exec: async (statement) => {
      await client.exec(statement);
    },
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
