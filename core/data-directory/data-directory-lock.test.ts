import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { acquireDataDirectoryLock, readDataDirectoryHolder } from './data-directory-lock.js';

/** A pid that was alive a moment ago and is not any more. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

const writeLock = (directory: string, holder: Record<string, unknown>) =>
  writeFileSync(path.join(directory, '.lock'), JSON.stringify(holder));

describe('the embedded data directory lock', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'cm-lock-unit-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('a second lock on a held directory is refused with data_directory_locked naming the holder', () => {
    const lock = acquireDataDirectoryLock({ directory, role: 'all', port: 3000 });
    try {
      expect(() => acquireDataDirectoryLock({ directory, role: 'web' })).toThrowError(
        expect.objectContaining({ code: 'data_directory_locked' }),
      );
      expect(readDataDirectoryHolder(directory)).toMatchObject({ pid: process.pid, role: 'all', port: 3000 });
    } finally {
      lock.release();
    }
    expect(existsSync(path.join(directory, '.lock'))).toBe(false);
  });

  it('a live process on this host holds the directory: its lock is not taken over', () => {
    writeLock(directory, { pid: process.ppid, hostname: hostname(), role: 'all', startedAt: '2026-01-01T00:00:00Z' });
    try {
      acquireDataDirectoryLock({ directory, role: 'all' });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('data_directory_locked');
      expect((error as Error).message).toContain(`pid ${process.ppid} (role all, started 2026-01-01T00:00:00Z)`);
      expect((error as Error).message).toContain(`kill ${process.ppid}`);
    }
  });

  it('a lock left by a process that is gone, by a previous life of our pid, or unreadable is taken over', () => {
    for (const stale of [
      JSON.stringify({ pid: deadPid(), hostname: hostname(), role: 'all', startedAt: 'x' }),
      // Containers start the app as pid 1 every time: our own pid in the file is a crashed predecessor.
      JSON.stringify({ pid: process.pid, hostname: hostname(), role: 'all', startedAt: 'x' }),
      '{"pid": 12',
    ]) {
      writeFileSync(path.join(directory, '.lock'), stale);
      expect(readDataDirectoryHolder(directory)).toBeUndefined();
      const lock = acquireDataDirectoryLock({ directory, role: 'worker' });
      expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, role: 'worker' });
      lock.release();
    }
  });

  it('a holder on another host is assumed running (a shared directory is never opened twice)', () => {
    writeLock(directory, { pid: 1, hostname: `${hostname()}-elsewhere`, role: 'all', startedAt: 'x' });
    expect(() => acquireDataDirectoryLock({ directory, role: 'all' })).toThrowError(/on host .*-elsewhere/);
  });

  it('releasing removes only our own lock, never one another process made since', () => {
    const lock = acquireDataDirectoryLock({ directory, role: 'all' });
    writeLock(directory, { pid: process.ppid, hostname: hostname(), role: 'all', startedAt: 'x' });
    lock.release();
    expect(readDataDirectoryHolder(directory)).toMatchObject({ pid: process.ppid });
  });
});
