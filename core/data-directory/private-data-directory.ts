import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dataDirectoryLockFileName } from './data-directory-lock.js';

/** Group and others get nothing: the directory holds the admin key and every member's data. */
const groupAndOthers = 0o077;

/**
 * What the app keeps in the data directory. Only these are tightened: DATA_DIR may point at a
 * directory that holds other things (even the working copy), and those are the operator's.
 */
const ownEntries = ['pglite', 'admin-key', 'chat.log', dataDirectoryLockFileName];

/**
 * Makes what this process creates from now on private to the owner (umask), then creates the
 * data directory 0700 or tightens an existing one. Called before anything is written to it.
 */
export function preparePrivateDataDirectory(directory: string): void {
  process.umask(groupAndOthers);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
}

/**
 * Removes group and other permissions from the data directory and what the app keeps in it.
 * PGlite's initdb chmods its files 0666 whatever the umask says (and rewrites pg_internal.init
 * 0644 at every open), so this runs after the database opens. Symbolic links are neither
 * followed nor changed.
 */
export function tightenDataDirectory(directory: string): void {
  chmodSync(directory, 0o700);
  const pending = ownEntries.map((name) => path.join(directory, name));
  while (pending.length > 0) {
    const current = pending.pop()!;
    let status: ReturnType<typeof lstatSync>;
    try {
      status = lstatSync(current);
    } catch {
      continue;
    }
    if (status.isSymbolicLink()) continue;
    if ((status.mode & groupAndOthers) !== 0) chmodSync(current, status.mode & 0o7700);
    if (status.isDirectory()) for (const name of readdirSync(current)) pending.push(path.join(current, name));
  }
}
