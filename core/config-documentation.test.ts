import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { environmentVariableNames, loadConfig } from './config.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');

/** `KEY=value` lines of .env.example; a commented `# KEY=value` still documents the variable. */
function environmentExample(): { documented: string[]; values: Record<string, string> } {
  const documented: string[] = [];
  const values: Record<string, string> = {};
  for (const line of read('.env.example').split('\n')) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    documented.push(match[2]!);
    if (!match[1]) values[match[2]!] = match[3]!;
  }
  return { documented, values };
}

/** Names in the first column of every README table whose header starts with "variable". */
function readmeVariables(): string[] {
  const names: string[] = [];
  let inVariableTable = false;
  for (const line of read('README.md').split('\n')) {
    if (!line.startsWith('|')) {
      inVariableTable = false;
      continue;
    }
    const firstCell = line.split('|')[1]?.trim() ?? '';
    if (firstCell === 'variable') inVariableTable = true;
    if (!inVariableTable) continue;
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.push(match[1]!);
  }
  return names;
}

/** The `[env]` table of fly.toml, and the comment block naming the secrets to set. */
function flyDeployment(): { environment: Record<string, string>; secretsComment: string } {
  const text = read('fly.toml');
  const environment: Record<string, string> = {};
  const envBlock = /^\[env\]\n([\s\S]*?)(?=^\[)/m.exec(text)?.[1] ?? '';
  for (const match of envBlock.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)) environment[match[1]!] = match[2]!;
  const secretsComment = text
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .join('\n');
  return { environment, secretsComment };
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

describe('configuration documentation', () => {
  it('.env.example lists exactly the variables the config schema reads', () => {
    expect(sorted(environmentExample().documented)).toEqual(sorted(environmentVariableNames));
  });

  it("the README's variable tables list exactly the variables the config schema reads", () => {
    expect(sorted(readmeVariables())).toEqual(sorted(environmentVariableNames));
  });

  it('.env.example as written is a valid configuration that changes no default', () => {
    const { values } = environmentExample();
    const fromExample = loadConfig(values);
    const defaults = loadConfig({});
    const withoutRandom = ({ SANDBOX_WEBHOOK_SECRET: _random, ...config }: ReturnType<typeof loadConfig>) => config;
    expect(withoutRandom(fromExample)).toEqual(withoutRandom(defaults));
  });

  it('fly.toml names every secret production refuses to start without, and with them it starts', () => {
    const { environment, secretsComment } = flyDeployment();
    expect(environment.NODE_ENV).toBe('production');
    let missing: string[] = [];
    try {
      loadConfig(environment);
    } catch (error) {
      missing = (error as { problems: string[] }).problems.map((problem) => problem.split(':')[0]!);
    }
    expect(missing.sort()).toEqual([
      'ADMIN_API_KEY',
      'DATABASE_URL',
      'PUBLIC_URL',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
    ]);
    for (const secret of missing) expect(secretsComment).toContain(secret);
    const secrets = {
      ADMIN_API_KEY: 'adm_0123456789abcdefghijklmnop',
      DATABASE_URL: 'postgres://app@db.internal:5432/app',
      PUBLIC_URL: 'https://shop.example.com',
      STRIPE_SECRET_KEY: 'sk_live_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_live',
    };
    const config = loadConfig({ ...environment, ...secrets });
    expect(config.SANDBOX_ENABLED).toBe(false);
    expect(config.METRICS_PORT).toBe(Number(/^\[metrics\]\n\s*port = (\d+)/m.exec(read('fly.toml'))?.[1]));
  });
});
