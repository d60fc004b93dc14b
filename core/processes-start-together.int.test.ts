import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from './catalog/default-catalog.js';
import { createEmptyServerDatabase } from './testing/empty-server-database.js';
import { freePort } from './testing/free-port.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverUrl = process.env.TEST_DATABASE_URL;

async function waitUntilReady(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process on port ${port} exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`process on port ${port} was not ready in time`);
}

const journalEntries = (): number =>
  (
    JSON.parse(readFileSync(path.join(repositoryRoot, 'db/migrations/meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    }
  ).entries.length;

// Only PostgreSQL has several processes on one database; embedded mode is one process per data directory.
describe.skipIf(!serverUrl)('processes started together on a fresh PostgreSQL database (PostgreSQL run only)', () => {
  const children: ChildProcess[] = [];
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'cm-start-'));
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('three processes migrating at start all become ready, and the migrations and the seed ran once', async () => {
    const database = await createEmptyServerDatabase(serverUrl!);
    try {
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const outputs = ports.map(() => ({ text: '' }));
      ports.forEach((port, index) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', 'web'], {
          cwd: repositoryRoot,
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'test',
            HOST: '127.0.0.1',
            PORT: String(port),
            DATABASE_URL: database.url,
            MIGRATE_ON_START: 'true',
            ADMIN_API_KEY: 'adm_test_0123456789abcdefghijklmnop',
            DATA_DIR: path.join(dataDirectory, String(index)),
            LOG_LEVEL: 'info',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const output = outputs[index]!;
        child.stdout!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
        children.push(child);
      });
      const deadline = Date.now() + 45_000;
      await Promise.all(ports.map((port, index) => waitUntilReady(port, children[index]!, deadline))).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}\n${outputs.map((output) => output.text).join('\n---\n')}`);
        },
      );

      const seedLines = outputs.flatMap((output) =>
        output.text.split('\n').filter((line) => line.includes('"msg":"catalog seeded"')),
      );
      expect(seedLines).toHaveLength(1);
      const client = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const [migrations] = await client`select count(*)::int as count from drizzle.__drizzle_migrations`;
        expect(migrations!.count).toBe(journalEntries());
        const [plans] = await client`select count(*)::int as count from plans`;
        expect(plans!.count).toBe(defaultCatalog.length);
        const [prices] = await client`select count(*)::int as count from plan_prices`;
        expect(prices!.count).toBe(defaultCatalog.reduce((sum, plan) => sum + plan.prices.length, 0));
      } finally {
        await client.end({ timeout: 5 });
      }
    } finally {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(
        children.map((child) =>
          child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined,
        ),
      );
      await database.drop();
    }
  }, 90_000);
});
