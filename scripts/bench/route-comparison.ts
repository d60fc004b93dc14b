import type { BenchOptions } from './bench-options.js';
import { type LoadFigures, type LoadRun, measureHttp } from './http-load.js';
import { median } from './stats.js';

export type RouteUnderLoad = Pick<LoadRun, 'url' | 'headers' | 'headersPerConnection'>;

export interface ComparedRouteFigures {
  requestsPerSecond: number;
  /** Median p99 of the few-connection runs (the latency figure); the saturated runs' p99 beside it. */
  p99Ms: number;
  p50Ms: number;
  saturatedP99Ms: number;
  runs: LoadFigures[];
}

/**
 * A route under test against a baseline route on the same server, as the HTTP benches measure
 * it: a warm-up of each, saturating runs in alternating order (so a slower stretch of the
 * machine hits both), then few-connection runs for latency; medians of each.
 */
export async function compareRoutes(
  routes: { measured: RouteUnderLoad; baseline: RouteUnderLoad },
  options: BenchOptions,
): Promise<{ measured: ComparedRouteFigures; baseline: ComparedRouteFigures; ratio: number }> {
  for (const name of ['baseline', 'measured'] as const)
    await measureHttp({ ...routes[name], connections: options.connections, durationSeconds: options.warmupSeconds });
  const runs = { measured: [] as LoadFigures[], baseline: [] as LoadFigures[] };
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? (['baseline', 'measured'] as const) : (['measured', 'baseline'] as const);
    for (const name of order)
      runs[name].push(
        await measureHttp({
          ...routes[name],
          connections: options.connections,
          durationSeconds: options.durationSeconds,
        }),
      );
  }
  const latency = { measured: [] as LoadFigures[], baseline: [] as LoadFigures[] };
  for (const name of ['baseline', 'measured', 'measured', 'baseline'] as const)
    latency[name].push(
      await measureHttp({
        ...routes[name],
        connections: options.latencyConnections,
        durationSeconds: options.latencySeconds,
      }),
    );
  const summarize = (name: 'measured' | 'baseline'): ComparedRouteFigures => ({
    requestsPerSecond: median(runs[name].map((run) => run.requestsPerSecond)),
    saturatedP99Ms: median(runs[name].map((run) => run.p99Ms)),
    p99Ms: median(latency[name].map((run) => run.p99Ms)),
    p50Ms: median(latency[name].map((run) => run.p50Ms)),
    runs: runs[name],
  });
  const measured = summarize('measured');
  const baseline = summarize('baseline');
  return { measured, baseline, ratio: measured.requestsPerSecond / baseline.requestsPerSecond };
}
