import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './error-codes.js';

const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

/** The first column of the README table headed `| code | meaning |`. */
function documentedCodes(): string[] {
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => /^\|\s*code\s*\|\s*meaning\s*\|/.test(line));
  expect(header, 'the README has an "| code | meaning |" table').toBeGreaterThanOrEqual(0);
  const codes: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const match = /^\|\s*`([a-z0-9_]+)`\s*\|/.exec(line);
    if (match) codes.push(match[1]!);
  }
  return codes;
}

describe('error codes', () => {
  it("the README's error code table lists exactly the codes AppError can carry, each once", () => {
    const documented = documentedCodes();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it('every code is snake_case and says what it means', () => {
    for (const [code, meaning] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(meaning.length, code).toBeGreaterThan(10);
    }
  });
});
