import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Provider fixtures live beside the repository (`<repoRoot>/../shared/fixtures`), not inside it,
 * so every clone and worktree reads the same real payloads. SHARED_FIXTURES_DIR points elsewhere
 * (CI, a different checkout layout). Tests read fixtures only through these helpers.
 */
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const fixturesRoot = (): string =>
  process.env['SHARED_FIXTURES_DIR'] ?? path.resolve(repositoryRoot, '..', 'shared', 'fixtures');

export const fixturePath = (...parts: string[]): string => path.join(fixturesRoot(), ...parts);

/** The exact bytes of a fixture as UTF-8 text (signature vectors depend on them). */
export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');

export const readJsonFixture = <T = unknown>(...parts: string[]): T => JSON.parse(readFixture(...parts)) as T;
