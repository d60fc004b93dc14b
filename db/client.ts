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
import { boundPoolWaits, createPermits } from './bounded-pool.js';
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
  /** PostgreSQL: how long opening a connection may take (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** PostgreSQL: the server cancels a statement running longer (DATABASE_STATEMENT_TIMEOUT_MS); 0 = never. */
  statementTimeoutMs?: number;
  /** PostgreSQL: how long a query may wait for a free pool connection (DATABASE_POOL_WAIT_TIMEOUT_MS). */
  poolWaitTimeoutMs?: number;
}

/** The defaults of the DATABASE_*_MS variables, for callers without a Config (tests, scripts). */
export const databaseTimeoutDefaults = { connectTimeoutMs: 2000, statementTimeoutMs: 2000, poolWaitTimeoutMs: 2000 };

/**
 * Seconds before a pool connection tries the server again after a failed attempt. postgres.js
 * grows this to 20 s, and a query handed to that connection waits it out; every attempt here
 * serves a waiting query, so a short cap costs the server little and keeps requests from hanging.
 */
const reconnectDelaySeconds = (failures: number) => Math.min(0.02 * 2 ** failures, 0.25) * (0.5 + Math.random() / 2);

/** Migrations and the migration lock: long DDL and waiting for another process are fine here. */
function migrationClient(url: string, connectTimeoutMs: number) {
  return postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: connectTimeoutMs / 1000,
    fetch_types: false,
    connection: { statement_timeout: 0 },
  });
}

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const url = options.url;
    const { connectTimeoutMs, statementTimeoutMs, poolWaitTimeoutMs } = { ...databaseTimeoutDefaults, ...options };
    const poolSize = options.poolSize ?? 10;
    const pool = postgres(url, {
      max: poolSize,
      onnotice: () => {},
      connect_timeout: connectTimeoutMs / 1000,
      backoff: reconnectDelaySeconds,
      // postgres.js fetches array types on every new connection without awaiting it, so a server
      // dying in that moment is an unhandled rejection, which ends the process. Drizzle parses
      // array columns itself (and the schema has none), so the fetch buys nothing.
      fetch_types: false,
      connection: { statement_timeout: statementTimeoutMs },
    });
    const client = boundPoolWaits(pool, createPermits(poolSize, poolWaitTimeoutMs));
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        const migrations = migrationClient(url, connectTimeoutMs);
        try {
          await migratePostgres(drizzlePostgres(migrations) as never, { migrationsFolder });
        } finally {
          await migrations.end({ timeout: 5 });
        }
      },
      async withMigrationLock(work) {
        const locking = migrationClient(url, connectTimeoutMs);
        try {
          // Open the connection first: postgres.js without fetch_types never hands a connection
          // that is still opening to reserve().
          await locking`select 1`;
          const connection = await locking.reserve();
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
        } finally {
          await locking.end({ timeout: 5 });
        }
      },
      exec: async (statement) => {
        await client.unsafe(statement);
      },
      ping: async () => {
        await client.unsafe('select 1');
      },
      close: () => pool.end({ timeout: 5 }),
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
