import type { ApiKeyBenchReady } from './api-key-bench-server.js';
import { forkBenchChild } from './bench-child.js';
import type { BenchCoreSpec } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { type ComparedRouteFigures, compareRoutes } from './route-comparison.js';

export const apiKeyTargets = { minRatio: 0.6 } as const;

// The same paths as api-key-bench-server.ts; importing its values would start a server in this process.
const paths = { keyed: '/__bench/api-key', bare: '/__bench/bare' } as const;

export interface ApiKeyBenchFigures {
  keyed: ComparedRouteFigures;
  bare: ComparedRouteFigures;
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
  const server = await forkBenchChild<ApiKeyBenchReady>('api-key-bench-server.ts', spec, {
    cpuProfileDir: options.cpuProfileDir,
  });
  try {
    const base = `http://127.0.0.1:${server.ready.port}`;
    const routes = {
      keyed: { url: `${base}${paths.keyed}`, headers: { authorization: `Bearer ${server.ready.apiKey}` } },
      bare: { url: `${base}${paths.bare}`, headers: {} },
    };
    const probe = await fetch(routes.keyed.url, { headers: routes.keyed.headers });
    if (probe.status !== 200 || !probe.headers.get('x-ratelimit-limit'))
      throw new Error(`the keyed route answered ${probe.status} without rate-limit headers`);
    const { measured, baseline, ratio } = await compareRoutes(
      { measured: routes.keyed, baseline: routes.bare },
      options,
    );
    return { keyed: measured, bare: baseline, ratio, met: ratio >= apiKeyTargets.minRatio };
  } finally {
    await server.stop();
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
