import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../../db/client.js';
import { pgliteTemplateEnvironmentKey } from './test-database.js';

/**
 * Migrates one PGlite once per run and dumps it; every test file starts from the dump.
 * Starting PGlite from scratch costs seconds, loading a dump well under one.
 */
export default async function setup() {
  if (process.env.TEST_DATABASE_URL) return;
  const directory = mkdtempSync(path.join(tmpdir(), 'pglite-template-'));
  const client = await PGlite.create();
  await migrate(drizzle(client), { migrationsFolder });
  const dump = await client.dumpDataDir('none');
  const file = path.join(directory, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await client.close();
  process.env[pgliteTemplateEnvironmentKey] = file;
  return () => rmSync(directory, { recursive: true, force: true });
}
