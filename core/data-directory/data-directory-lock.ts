import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AppError } from '../errors.js';

/** Embedded mode on a real directory: PGlite files that only one process may open. */
export const usesEmbeddedDataDirectory = (config: { DATABASE_URL?: string | undefined; DATA_DIR: string }): boolean =>
  !config.DATABASE_URL && !config.DATA_DIR.startsWith('memory://');

/** Who holds a data directory: written into `<DATA_DIR>/.lock` by the process that holds it. */
export interface DataDirectoryHolder {
  pid: number;
  hostname: string;
  /** all, web, worker, bots, chat, or the script that opened the directory. */
  role: string;
  /** Where the holder serves HTTP, when it does: `npm run chat` talks to it there. */
  port?: number | undefined;
  host?: string | undefined;
  startedAt: string;
}

export interface DataDirectoryLock {
  file: string;
  holder: DataDirectoryHolder;
  /** Removes the lock file if it is still ours; safe to call more than once and from an exit handler. */
  release(): void;
}

export const dataDirectoryLockFileName = '.lock';

/** Directories this process holds, so a second open in the same process is refused, not taken over. */
const heldHere = new Set<string>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const parseHolder = (text: string): DataDirectoryHolder | undefined => {
  try {
    const value = JSON.parse(text) as Partial<DataDirectoryHolder>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    return { role: 'unknown', startedAt: 'unknown', ...value } as DataDirectoryHolder;
  } catch {
    return undefined;
  }
};

/**
 * Is this recorded holder still running? A holder on another host is assumed alive (we cannot
 * look), so a data directory shared over a network is never opened twice. A holder with our own
 * pid is a previous life of this process (containers start the app as pid 1 every time) unless
 * this very process holds the directory.
 */
function holderIsRunning(holder: DataDirectoryHolder, directory: string): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(directory);
  return isAlive(holder.pid);
}

/** The live holder of `directory`, if any (a stale or unreadable lock file counts as none). */
export function readDataDirectoryHolder(directory: string): DataDirectoryHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(directory, dataDirectoryLockFileName), 'utf8');
  } catch {
    return undefined;
  }
  const holder = parseHolder(text);
  return holder && holderIsRunning(holder, path.resolve(directory)) ? holder : undefined;
}

export function describeHolder(holder: DataDirectoryHolder): string {
  const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
  const port = holder.port === undefined ? '' : `, port ${holder.port}`;
  return `pid ${holder.pid}${where} (role ${holder.role}${port}, started ${holder.startedAt})`;
}

export function dataDirectoryLockedError(directory: string, holder: DataDirectoryHolder): AppError {
  const file = path.join(directory, dataDirectoryLockFileName);
  return new AppError(
    'data_directory_locked',
    [
      `The data directory ${directory} is in use by another process: ${describeHolder(holder)}.`,
      'Two processes on one embedded database each see only their own writes and corrupt it on restart, so this one stops.',
      `Stop that process first (kill ${holder.pid}), or use the one that is running` +
        `${holder.port === undefined ? '' : ` (http://localhost:${holder.port}; \`npm run chat\` talks to it)`},` +
        ' or give this process its own DATA_DIR.',
      `If no such process is running, delete ${file}.`,
    ].join('\n'),
    { status: 503, context: { directory, holder } },
  );
}

/**
 * Takes `<directory>/.lock` for this process or throws `data_directory_locked` naming the holder.
 * Node has no flock, so the lock is a file created exclusively: written whole under a private
 * name, then hard-linked into place (link fails if the name exists, and a reader never sees a
 * half-written file). A lock left by a process that is no longer running is taken over.
 */
export function acquireDataDirectoryLock(options: {
  directory: string;
  role: string;
  port?: number | undefined;
  host?: string | undefined;
}): DataDirectoryLock {
  const directory = path.resolve(options.directory);
  const file = path.join(directory, dataDirectoryLockFileName);
  const holder: DataDirectoryHolder = {
    pid: process.pid,
    hostname: hostname(),
    role: options.role,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    startedAt: new Date().toISOString(),
  };
  const content = `${JSON.stringify({ ...holder, token: randomBytes(12).toString('hex') })}\n`;
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, content, { mode: 0o600 });
  try {
    // A few rounds at most: each lost round means another process changed the lock meanwhile.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, file);
        heldHere.add(directory);
        return { file, holder, release: () => releaseLock(directory, file, content) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let existing: string;
      try {
        existing = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const current = parseHolder(existing);
      if (current && holderIsRunning(current, directory)) throw dataDirectoryLockedError(directory, current);
      takeOverStaleLock(file, existing);
    }
    throw new Error(`could not take the lock ${file}: other processes keep changing it`);
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Moves the stale lock aside and removes it. Only one process can move a given file, and if what
 * was moved is not the stale lock we judged (another process took over in between), it goes back.
 */
function takeOverStaleLock(file: string, staleContent: string): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleContent) linkSync(aside, file);
  } catch {
    // Someone made a new lock meanwhile: theirs stands, and the next round reports it.
  } finally {
    unlinkSync(aside);
  }
}

function releaseLock(directory: string, file: string, content: string): void {
  if (!heldHere.has(directory)) return;
  heldHere.delete(directory);
  try {
    if (readFileSync(file, 'utf8') === content) unlinkSync(file);
  } catch {
    // Already gone.
  }
}
