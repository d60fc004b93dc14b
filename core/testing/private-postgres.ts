import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { freePort } from './free-port.js';

/**
 * A PostgreSQL cluster of the test's own: initdb into a temp dir, its own port on 127.0.0.1,
 * so a test may kill it mid-traffic without touching the machine's shared server on 5432.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** SIGKILL to the postmaster and every backend at once: a crash, not a shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (crash recovery runs) and waits until it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  remove(): Promise<void>;
}

const installRoot = '/usr/lib/postgresql';
const serviceUser = 'postgres';

function binaryDirectory(): string | undefined {
  if (!existsSync(installRoot)) return undefined;
  const versions = readdirSync(installRoot)
    .filter((entry) => existsSync(path.join(installRoot, entry, 'bin', 'initdb')))
    .sort((left, right) => Number(right) - Number(left));
  return versions[0] === undefined ? undefined : path.join(installRoot, versions[0], 'bin');
}

const runningAsRoot = () => process.getuid?.() === 0;

function serviceUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', serviceUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', serviceUser], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Why this machine cannot run a private cluster, or undefined when it can (tests skip with the reason). */
export function privatePostgresUnavailableReason(): string | undefined {
  if (!binaryDirectory()) return `no PostgreSQL binaries under ${installRoot}/*/bin`;
  // initdb and postgres refuse to run as root; as root we run them as the postgres user.
  if (runningAsRoot() && !serviceUserIds())
    return `running as root but there is no ${serviceUser} user to run initdb as`;
  return undefined;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const reason = privatePostgresUnavailableReason();
  if (reason) throw new Error(`private PostgreSQL unavailable: ${reason}`);
  const binaries = binaryDirectory()!;
  const ids = runningAsRoot() ? serviceUserIds() : undefined;
  const asServiceUser = (binary: string, args: string[]): [string, string[]] =>
    ids
      ? ['runuser', ['-u', serviceUser, '--', path.join(binaries, binary), ...args]]
      : [path.join(binaries, binary), args];

  const directory = mkdtempSync(path.join(tmpdir(), 'private-postgres-'));
  const dataDirectory = path.join(directory, 'data');
  if (ids) chownSync(directory, ids.uid, ids.gid);
  const [initdb, initdbArgs] = asServiceUser('initdb', [
    '-D',
    dataDirectory,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  execFileSync(initdb, initdbArgs, { stdio: 'pipe' });

  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function waitUntilAnswering() {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const probe = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} });
      try {
        await probe`select 1`;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      } finally {
        await probe.end({ timeout: 0 });
      }
    }
  }

  async function start() {
    const [command, args] = asServiceUser('postgres', [
      '-D',
      dataDirectory,
      '-p',
      String(port),
      '-k',
      directory,
      '-c',
      'listen_addresses=127.0.0.1',
      // A killed process is not a lost machine: written pages survive in the OS cache without
      // fsync, while synchronous_commit stays on so a commit is in the WAL before it is reported.
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ]);
    // Its own process group, so kill() reaches the postmaster and every backend in one signal.
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    server = child;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitUntilAnswering();
  }

  function postmasterPid(): number | undefined {
    try {
      return Number(readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  async function kill() {
    const child = server;
    if (!child?.pid) return;
    const postmaster = postmasterPid();
    server = undefined;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited;
    // The postmaster must be gone before a restart may take the port and the data directory.
    while (postmaster !== undefined && alive(postmaster)) await sleep(20);
  }

  await start();
  return {
    url,
    port,
    kill,
    start,
    async remove() {
      await kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
