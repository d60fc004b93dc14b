import { forkBenchChild } from './bench-child.js';
import type { BenchCoreSpec } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { measureHttp } from './http-load.js';
import { type ComparedRouteFigures, compareRoutes } from './route-comparison.js';
import type { SignalsApiBenchReady } from './signals-api-bench-server.js';

export const signalsApiTargets = { minRatio: 0.5 } as const;

// The same paths as signals-api-bench-server.ts; importing its values would start a server in this process.
const paths = { feed: '/v1/signals', bare: '/__bench/signals-bare', health: '/healthz' } as const;

export interface SignalsApiBenchFigures {
  feed: ComparedRouteFigures;
  bare: ComparedRouteFigures;
  /** feed ÷ bare throughput: the target. */
  ratio: number;
  /** /healthz on the same server, one saturating run: the figure the issue was first reported against. */
  healthRequestsPerSecond: number;
  apiKeys: number;
  signalsPerPage: number;
  met: boolean;
}

/**
 * `GET /v1/signals` as VIP members poll it (several API keys, one per connection in turn, 50
 * published signals, one full page each) against a bare route answering the same bytes, already
 * serialized, on the same Fastify instance, over real HTTP to a child process; the method of the API key bench.
 */
export async function runSignalsApiBench(spec: BenchCoreSpec, options: BenchOptions): Promise<SignalsApiBenchFigures> {
  const server = await forkBenchChild<SignalsApiBenchReady>('signals-api-bench-server.ts', spec, {
    cpuProfileDir: options.cpuProfileDir,
  });
  try {
    const { port, apiKeys, signalsPerPage } = server.ready;
    const base = `http://127.0.0.1:${port}`;
    const keyHeaders = apiKeys.map((key) => ({ authorization: `Bearer ${key}` }));
    const probe = await fetch(`${base}${paths.feed}`, { headers: keyHeaders[0] });
    if (probe.status !== 200 || !probe.headers.get('x-ratelimit-limit'))
      throw new Error(`GET /v1/signals answered ${probe.status} without rate-limit headers`);
    const { measured, baseline, ratio } = await compareRoutes(
      {
        measured: { url: `${base}${paths.feed}`, headersPerConnection: keyHeaders },
        baseline: { url: `${base}${paths.bare}` },
      },
      options,
    );
    const health = await measureHttp({
      url: `${base}${paths.health}`,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
    });
    return {
      feed: measured,
      bare: baseline,
      ratio,
      healthRequestsPerSecond: health.requestsPerSecond,
      apiKeys: apiKeys.length,
      signalsPerPage,
      met: ratio >= signalsApiTargets.minRatio,
    };
  } finally {
    await server.stop();
  }
}

export function formatSignalsApiBench(figures: SignalsApiBenchFigures, options: BenchOptions): string {
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const label = 'GET /v1/signals, VIP keys (http)'.padEnd(35);
  const continuation = ' '.repeat(35);
  return [
    `${label}feed ${rate(figures.feed.requestsPerSecond)} req/s p99 ${ms(figures.feed.p99Ms)}` +
      ` | bare ${rate(figures.bare.requestsPerSecond)} req/s p99 ${ms(figures.bare.p99Ms)}` +
      ` | ratio ${figures.ratio.toFixed(2)}x (target >= ${signalsApiTargets.minRatio.toFixed(2)}x) ${figures.met ? 'MET' : 'MISSED'}`,
    `${continuation}${figures.apiKeys} keys, ${figures.signalsPerPage} signals a page (the bare route sends the same bytes, pre-serialized);` +
      ` /healthz ${rate(figures.healthRequestsPerSecond)} req/s, feed ${(figures.feed.requestsPerSecond / figures.healthRequestsPerSecond).toFixed(2)}x of it`,
    `${continuation}p99 above: ${options.latencyConnections} connections (p50 feed ${ms(figures.feed.p50Ms)},` +
      ` bare ${ms(figures.bare.p50Ms)}); saturated by ${options.connections}: feed ${ms(figures.feed.saturatedP99Ms)},` +
      ` bare ${ms(figures.bare.saturatedP99Ms)}`,
  ].join('\n');
}
