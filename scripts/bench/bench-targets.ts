import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { BenchOptions } from './bench-options.js';

/** Where one set of figures is measured: the embedded stack, or Postgres (+ Redis) from BENCH_*. */
export interface BenchTarget {
  name: 'embedded' | 'postgres';
  description: string;
  /** Unset for embedded: each process makes its own PGlite in a temporary directory. */
  serverUrl: string | undefined;
  redisUrl: string | undefined;
}

export function benchTargets(options: BenchOptions): BenchTarget[] {
  const targets: BenchTarget[] = [
    {
      name: 'embedded',
      description: 'PGlite on disk, in-process queue, memory cache',
      serverUrl: undefined,
      redisUrl: undefined,
    },
  ];
  if (options.databaseUrl)
    targets.push({
      name: 'postgres',
      description: options.redisUrl
        ? 'Postgres, BullMQ on Redis, Redis cache'
        : 'Postgres, in-process queue, memory cache',
      serverUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
    });
  return targets;
}

export interface ProvisionedDatabase {
  /** A fresh, empty database on the target's server; undefined means "embedded: make your own PGlite". */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh database per target run, so earlier runs (or the app's own data) cannot skew the figures. */
export async function provisionDatabase(target: BenchTarget): Promise<ProvisionedDatabase> {
  if (!target.serverUrl) return { url: undefined, drop: async () => {} };
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(target.serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(target.serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
