import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiKeyBenchReady } from './api-key-bench-server.js';
import type { BenchCoreSpec } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { type LoadFigures, type LoadRun, measureHttp } from './http-load.js';
import { median } from './stats.js';

export const apiKeyTargets = { minRatio: 0.6 } as const;

const here = path.dirname(fileURLToPath(import.meta.url));
// The same paths as api-key-bench-server.ts; importing its values would start a server in this process.
const paths = { keyed: '/__bench/api-key', bare: '/__bench/bare' } as const;

interface RouteFigures {
  requestsPerSecond: number;
  /** Median p99 of the few-connection runs (the latency figure); the saturated runs' p99 beside it. */
  p99Ms: number;
  p50Ms: number;
  saturatedP99Ms: number;
  runs: LoadFigures[];
}

export interface ApiKeyBenchFigures {
  keyed: RouteFigures;
  bare: RouteFigures;
  /** keyed ÷ bare throughput. */
  ratio: number;
  met: boolean;
}

/**
 * API key verification plus the per-tier rate-limit check (`Authorization: Bearer ck_...` on a
 * route behind requireCaller) against a bare route returning the same body on the same Fastify
 * instance, over real HTTP to a child process. Same method as the entitlement check bench:
 * warm-up, saturating runs in alternating order, then few-connection runs for p99; medians.
 */
export async function runApiKeyBench(spec: BenchCoreSpec, options: BenchOptions): Promise<ApiKeyBenchFigures> {
  const child = fork(path.join(here, 'api-key-bench-server.ts'), [JSON.stringify(spec)], {
    cwd: path.resolve(here, '..', '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<ApiKeyBenchReady>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the API-key bench server exited before listening (${code})`)));
      child.on('message', (message: ApiKeyBenchReady) => {
        if (message?.type === 'ready') resolve(message);
      });
    });
    const base = `http://127.0.0.1:${ready.port}`;
    const routes = {
      keyed: { url: `${base}${paths.keyed}`, headers: { authorization: `Bearer ${ready.apiKey}` } },
      bare: { url: `${base}${paths.bare}`, headers: {} },
    } satisfies Record<string, Pick<LoadRun, 'url' | 'headers'>>;
    const probe = await fetch(routes.keyed.url, { headers: routes.keyed.headers });
    if (probe.status !== 200 || !probe.headers.get('x-ratelimit-limit'))
      throw new Error(`the keyed route answered ${probe.status} without rate-limit headers`);

    for (const name of ['bare', 'keyed'] as const)
      await measureHttp({ ...routes[name], connections: options.connections, durationSeconds: options.warmupSeconds });
    const runs = { keyed: [] as LoadFigures[], bare: [] as LoadFigures[] };
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? (['bare', 'keyed'] as const) : (['keyed', 'bare'] as const);
      for (const name of order)
        runs[name].push(
          await measureHttp({
            ...routes[name],
            connections: options.connections,
            durationSeconds: options.durationSeconds,
          }),
        );
    }
    const latency = { keyed: [] as LoadFigures[], bare: [] as LoadFigures[] };
    for (const name of ['bare', 'keyed', 'keyed', 'bare'] as const)
      latency[name].push(
        await measureHttp({
          ...routes[name],
          connections: options.latencyConnections,
          durationSeconds: options.latencySeconds,
        }),
      );
    const summarize = (name: 'keyed' | 'bare'): RouteFigures => ({
      requestsPerSecond: median(runs[name].map((run) => run.requestsPerSecond)),
      saturatedP99Ms: median(runs[name].map((run) => run.p99Ms)),
      p99Ms: median(latency[name].map((run) => run.p99Ms)),
      p50Ms: median(latency[name].map((run) => run.p50Ms)),
      runs: runs[name],
    });
    const keyed = summarize('keyed');
    const bare = summarize('bare');
    const ratio = keyed.requestsPerSecond / bare.requestsPerSecond;
    return { keyed, bare, ratio, met: ratio >= apiKeyTargets.minRatio };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

export function formatApiKeyBench(figures: ApiKeyBenchFigures, options: BenchOptions): string {
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const label = 'API key + rate limit (warm, http)'.padEnd(35);
  return [
    `${label}keyed ${rate(figures.keyed.requestsPerSecond)} req/s p99 ${ms(figures.keyed.p99Ms)}` +
      ` | bare ${rate(figures.bare.requestsPerSecond)} req/s p99 ${ms(figures.bare.p99Ms)}` +
      ` | ratio ${figures.ratio.toFixed(2)}x (target >= ${apiKeyTargets.minRatio.toFixed(2)}x) ${figures.met ? 'MET' : 'MISSED'}`,
    `${' '.repeat(35)}p99 above: ${options.latencyConnections} connections (p50 keyed ${ms(figures.keyed.p50Ms)},` +
      ` bare ${ms(figures.bare.p50Ms)}); saturated by ${options.connections}: keyed ${ms(figures.keyed.saturatedP99Ms)},` +
      ` bare ${ms(figures.bare.saturatedP99Ms)}`,
  ].join('\n');
}
