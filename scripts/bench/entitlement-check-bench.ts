import type { BenchCoreSpec } from './bench-core.js';
import type { BenchOptions } from './bench-options.js';
import { bareRoutePath } from './bench-server-protocol.js';
import { type LoadFigures, measureHttp } from './http-load.js';
import { startBenchServer } from './http-server-process.js';
import { median } from './stats.js';

export const checkTargets = { minRatio: 0.7, maxP99Ms: 2 } as const;

export interface RouteFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  runs: LoadFigures[];
}

export interface EntitlementCheckFigures {
  check: RouteFigures;
  bare: RouteFigures;
  ratio: number;
  met: boolean;
}

const summarize = (runs: LoadFigures[]): RouteFigures => ({
  requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
  p50Ms: median(runs.map((run) => run.p50Ms)),
  p99Ms: median(runs.map((run) => run.p99Ms)),
  runs,
});

/**
 * Warm `GET /v1/entitlements/:user_id` (admin key, paid member) against a bare route on the
 * same Fastify instance, over real HTTP to a child process. Each route is warmed up, then
 * measured in alternating order (bare, check, check, bare, ...) so drift (JIT, GC, thermal)
 * lands on both; the median of the runs is reported.
 */
export async function runEntitlementCheckBench(
  spec: BenchCoreSpec,
  options: BenchOptions,
): Promise<EntitlementCheckFigures> {
  const server = await startBenchServer(spec, { cpuProfileDir: options.cpuProfileDir });
  try {
    const routes = {
      check: {
        url: `${server.baseUrl}/v1/entitlements/${server.userId}`,
        headers: { authorization: `Bearer ${spec.adminKey}` },
      },
      bare: { url: `${server.baseUrl}${bareRoutePath}`, headers: {} },
    };
    await expectPaidTier(routes.check.url, routes.check.headers);

    const load = { connections: options.connections };
    for (const route of [routes.bare, routes.check])
      await measureHttp({ ...route, ...load, durationSeconds: options.warmupSeconds });

    const runs: Record<'check' | 'bare', LoadFigures[]> = { check: [], bare: [] };
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? (['bare', 'check'] as const) : (['check', 'bare'] as const);
      for (const name of order)
        runs[name].push(await measureHttp({ ...routes[name], ...load, durationSeconds: options.durationSeconds }));
    }
    const check = summarize(runs.check);
    const bare = summarize(runs.bare);
    const ratio = check.requestsPerSecond / bare.requestsPerSecond;
    return { check, bare, ratio, met: ratio >= checkTargets.minRatio && check.p99Ms <= checkTargets.maxP99Ms };
  } finally {
    await server.stop();
  }
}

/** The figure is only worth something if the check answers what it should. */
async function expectPaidTier(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  const body = (await response.json()) as { tier?: string; status?: string };
  if (response.status !== 200 || body.tier !== 'pro')
    throw new Error(`the entitlement check answered ${response.status} ${JSON.stringify(body)}, expected tier pro`);
}
