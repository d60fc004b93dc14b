import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Group and others get nothing: the directory holds the admin key and every member's data. */
const groupAndOthers = 0o077;

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
 * Removes group and other permissions from everything under `directory`. PGlite's initdb
 * chmods its files 0666 whatever the umask says (and rewrites pg_internal.init 0644 at every
 * open), so this runs after the database opens. Symbolic links are neither followed nor changed.
 */
export function tightenDataDirectory(directory: string): void {
  const pending = [directory];
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
