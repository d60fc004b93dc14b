import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Started {
  child: ChildProcess;
  output: { text: string };
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** `main.ts <role>` as `npm start` / `npm run chat` run it, on a data directory of the test's own. */
function startApp(options: { dataDirectory: string; port: number; role?: string; input?: string }): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', ...(options.role ? [options.role] : [])], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      DATA_DIR: options.dataDirectory,
      LOG_LEVEL: 'warn',
    },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { text: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  if (options.input !== undefined) child.stdin!.end(options.input);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitUntilReady(port: number, started: Started, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null)
      throw new Error(`process exited with ${started.child.exitCode}:\n${started.output.text}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready on port ${port} in ${timeoutMs} ms:\n${started.output.text}`);
}

/** Resolves with the exit code, or with 'still running' once `timeoutMs` has passed. */
const exitWithin = (started: Started, timeoutMs: number) =>
  Promise.race([
    started.exited,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), timeoutMs)),
  ]);

/** Every path under `directory` (itself included) that group or others may read, write or enter. */
function openToOthers(directory: string): string[] {
  const found: string[] = [];
  const pending = [directory];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const status = lstatSync(current);
    if (status.isSymbolicLink()) continue;
    if ((status.mode & 0o077) !== 0) found.push(`${(status.mode & 0o777).toString(8)} ${current}`);
    if (status.isDirectory()) for (const name of readdirSync(current)) pending.push(path.join(current, name));
  }
  return found;
}

// Real processes on one embedded data directory: the lock, its release, `npm run chat` beside a server.
describe('one process per embedded data directory', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'cm-lock-'));
  const dataDirectory = path.join(parent, 'data');
  let port: number;
  let first: Started;

  beforeAll(async () => {
    port = await freePort();
    first = startApp({ dataDirectory, port });
    await waitUntilReady(port, first, 90_000);
  }, 100_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : undefined,
      ),
    );
    rmSync(parent, { recursive: true, force: true });
  });

  it('a second npm start on the same data directory exits at once, non-zero, naming the holder and what to do', async () => {
    const second = startApp({ dataDirectory, port: await freePort() });
    const code = await exitWithin(second, 25_000);
    expect(code, second.output.text).not.toBe('still running');
    expect(code).not.toBe(0);
    expect(second.output.text).toContain('data_directory_locked');
    expect(second.output.text).toContain(`pid ${first.child.pid}`);
    expect(second.output.text).toContain('role all');
    expect(second.output.text).toMatch(/started \d{4}-\d{2}-\d{2}T/);
    expect(second.output.text).toContain(`Stop that process first (kill ${first.child.pid})`);
    // The first one still serves.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).ok).toBe(true);
  }, 40_000);

  it('npm run chat while the server runs sends each line to that server and prints its replies', async () => {
    const chat = startApp({ dataDirectory, port: await freePort(), role: 'chat', input: '/tiers\n:quit\n' });
    const code = await exitWithin(chat, 25_000);
    expect(code, chat.output.text).toBe(0);
    expect(chat.output.text).toContain(`pid ${first.child.pid}`);
    expect(chat.output.text).toContain('Pro — $49.00/mo');
    expect(chat.output.text).toContain('[!2] Get Pro');
    expect(existsSync(path.join(dataDirectory, 'chat.log'))).toBe(false);
  }, 40_000);

  it('after a start no file or directory under the data directory is readable or writable by group or others', () => {
    expect(openToOthers(dataDirectory)).toEqual([]);
  });

  it('a server killed with SIGKILL does not block the next start on its data directory, and a clean stop releases the lock', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    const nextPort = await freePort();
    const next = startApp({ dataDirectory, port: nextPort });
    await waitUntilReady(nextPort, next, 90_000);
    expect(openToOthers(dataDirectory)).toEqual([]);

    next.child.kill('SIGTERM');
    expect(await exitWithin(next, 20_000), next.output.text).toBe(0);
    expect(existsSync(path.join(dataDirectory, '.lock'))).toBe(false);
    expect(openToOthers(dataDirectory)).toEqual([]);
  }, 130_000);
});
