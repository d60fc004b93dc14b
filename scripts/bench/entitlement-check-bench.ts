import type { BenchCoreSpec } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { bareRoutePath } from './bench-server-protocol.js';
import { type LoadFigures, type LoadRun, measureHttp } from './http-load.js';
import { type BenchServerProcess, startBenchServer } from './http-server-process.js';
import { median } from './stats.js';

export const checkTargets = { minRatio: 0.7, maxP99Ms: 2 } as const;

export interface RunFigures extends LoadFigures {
  /** Server-process CPU time per answered request (user + system), microseconds. */
  serverCpuMicrosPerRequest: number;
}

export interface RouteFigures {
  /** Medians of the saturating runs. */
  requestsPerSecond: number;
  serverCpuMicrosPerRequest: number;
  saturatedP99Ms: number;
  /** Median p99 of the latency runs (few connections): the figure the latency target is judged on. */
  p99Ms: number;
  p50Ms: number;
  runs: RunFigures[];
  latencyRuns: RunFigures[];
}

export interface EntitlementCheckFigures {
  check: RouteFigures;
  bare: RouteFigures;
  /** check ÷ bare throughput. */
  ratio: number;
  /** bare ÷ check server CPU per request: the same question, less swayed by other work on the machine. */
  cpuRatio: number;
  met: boolean;
}

type RouteName = 'check' | 'bare';

/** One measured run, with the server's CPU time over it. */
async function withServerCpu(server: BenchServerProcess, measure: () => Promise<LoadFigures>): Promise<RunFigures> {
  const cpuBefore = await server.cpuMicros();
  const figures = await measure();
  const cpuAfter = await server.cpuMicros();
  return { ...figures, serverCpuMicrosPerRequest: (cpuAfter - cpuBefore) / figures.requests };
}

/**
 * Warm `GET /v1/entitlements/:user_id` (admin key, paid member) against a bare route on the
 * same Fastify instance, over real HTTP to a child process (autocannon stays in this process,
 * so on 2 cores the load generator and the server each get one).
 *
 * Throughput: each route is warmed up, then driven closed-loop by N connections in alternating
 * order (bare, check, check, bare, ...) so drift (JIT, GC, other load) lands on both; medians.
 *
 * Latency: under a saturating closed loop, latency is mostly queueing, connections ÷ throughput
 * (Little's law), and says little about the route. So p99 is judged in separate runs with a few
 * connections (BENCH_LATENCY_CONNECTIONS, 4: requests always in flight, a short queue at most), in
 * the same alternating order. An evenly paced open loop (100 to 2,000 req/s) was tried: on a small
 * VM its p99 is 5-10 ms for the bare route too, dominated by idle vCPUs waking up, so it judges the
 * machine rather than the route.
 */
export async function runEntitlementCheckBench(
  spec: BenchCoreSpec,
  options: BenchOptions,
): Promise<EntitlementCheckFigures> {
  const server = await startBenchServer(spec, { cpuProfileDir: options.cpuProfileDir });
  try {
    const routes: Record<RouteName, Pick<LoadRun, 'url' | 'headers'>> = {
      check: {
        url: `${server.baseUrl}/v1/entitlements/${server.userId}`,
        headers: { authorization: `Bearer ${spec.adminKey}` },
      },
      bare: { url: `${server.baseUrl}${bareRoutePath}`, headers: {} },
    };
    await expectPaidTier(routes.check);

    const connections = options.connections;
    for (const name of ['bare', 'check'] as const)
      await measureHttp({ ...routes[name], connections, durationSeconds: options.warmupSeconds });

    const runs: Record<RouteName, RunFigures[]> = { check: [], bare: [] };
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? (['bare', 'check'] as const) : (['check', 'bare'] as const);
      for (const name of order) {
        const run = { ...routes[name], connections, durationSeconds: options.durationSeconds };
        runs[name].push(await withServerCpu(server, () => measureHttp(run)));
      }
    }

    const latencyRuns: Record<RouteName, RunFigures[]> = { check: [], bare: [] };
    for (const name of ['bare', 'check', 'check', 'bare'] as const) {
      const run = { ...routes[name], connections: options.latencyConnections, durationSeconds: options.latencySeconds };
      latencyRuns[name].push(await withServerCpu(server, () => measureHttp(run)));
    }

    const check = summarize(runs.check, latencyRuns.check);
    const bare = summarize(runs.bare, latencyRuns.bare);
    const ratio = check.requestsPerSecond / bare.requestsPerSecond;
    return {
      check,
      bare,
      ratio,
      cpuRatio: bare.serverCpuMicrosPerRequest / check.serverCpuMicrosPerRequest,
      met: ratio >= checkTargets.minRatio && check.p99Ms <= checkTargets.maxP99Ms,
    };
  } finally {
    await server.stop();
  }
}

const summarize = (runs: RunFigures[], latencyRuns: RunFigures[]): RouteFigures => ({
  requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
  serverCpuMicrosPerRequest: median(runs.map((run) => run.serverCpuMicrosPerRequest)),
  saturatedP99Ms: median(runs.map((run) => run.p99Ms)),
  p99Ms: median(latencyRuns.map((run) => run.p99Ms)),
  p50Ms: median(latencyRuns.map((run) => run.p50Ms)),
  runs,
  latencyRuns,
});

/** The figure is only worth something if the check answers what it should. */
async function expectPaidTier(route: Pick<LoadRun, 'url' | 'headers'>) {
  const response = await fetch(route.url, { headers: route.headers ?? {} });
  const body = (await response.json()) as { tier?: string; status?: string };
  if (response.status !== 200 || body.tier !== 'pro')
    throw new Error(`the entitlement check answered ${response.status} ${JSON.stringify(body)}, expected tier pro`);
}
