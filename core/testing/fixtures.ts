import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Provider fixtures live inside the repository (`test-fixtures/<provider>/`, each with a MANIFEST
 * naming its public source), so a fresh clone with nothing beside it runs the whole suite.
 * Tests, the bench and the fake providers read fixtures only through these helpers.
 */
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const fixturesRoot = (): string => path.join(repositoryRoot, 'test-fixtures');

export const fixturePath = (...parts: string[]): string => path.join(fixturesRoot(), ...parts);

/** The exact bytes of a fixture as UTF-8 text (signature vectors depend on them). */
export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');

export const readJsonFixture = <T = unknown>(...parts: string[]): T => JSON.parse(readFixture(...parts)) as T;
