import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tightenDataDirectory } from './private-data-directory.js';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('a private data directory', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'cm-private-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('what the app keeps there loses every group and other permission, and nothing else does', () => {
    mkdirSync(path.join(directory, 'pglite', 'base'), { recursive: true, mode: 0o777 });
    chmodSync(path.join(directory, 'pglite', 'base'), 0o777);
    writeFileSync(path.join(directory, 'pglite', 'base', 'PG_VERSION'), '17', { mode: 0o666 });
    chmodSync(path.join(directory, 'pglite', 'base', 'PG_VERSION'), 0o666);
    writeFileSync(path.join(directory, 'admin-key'), 'adm_x');
    chmodSync(path.join(directory, 'admin-key'), 0o644);
    // DATA_DIR may be a directory with the operator's own files in it: those are not ours to change.
    writeFileSync(path.join(directory, 'notes.txt'), 'mine');
    chmodSync(path.join(directory, 'notes.txt'), 0o664);
    chmodSync(directory, 0o755);

    tightenDataDirectory(directory);

    expect(mode(directory)).toBe(0o700);
    expect(mode(path.join(directory, 'pglite', 'base'))).toBe(0o700);
    expect(mode(path.join(directory, 'pglite', 'base', 'PG_VERSION'))).toBe(0o600);
    expect(mode(path.join(directory, 'admin-key'))).toBe(0o600);
    expect(mode(path.join(directory, 'notes.txt'))).toBe(0o664);
  });
});
