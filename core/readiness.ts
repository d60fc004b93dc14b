/** How long /readyz waits for any one dependency; a load balancer polls, it must not hang. */
export const readinessCheckTimeoutMs = 1_000;

export interface DependencyCheck {
  status: 'up' | 'down';
  latency_ms: number;
  /** Whether the web role can do its job without it (then it is only reported, never fatal). */
  required: boolean;
  error?: string;
}

export interface ReadinessReport {
  /** ready: all up; degraded: a helper is down and its fallback serves; unavailable: a required one is down. */
  status: 'ready' | 'degraded' | 'unavailable';
  checks: Record<string, DependencyCheck>;
}

async function check(probe: () => Promise<void>, required: boolean): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${readinessCheckTimeoutMs} ms`)),
      readinessCheckTimeoutMs,
    );
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'up', latency_ms: Math.round(performance.now() - started), required };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'down', latency_ms: Math.round(performance.now() - started), required, error: message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes every dependency at once, each bounded, and says whether the process can serve.
 *
 * Only the database is required. Redis (cache, queue, shared rate limits) is a helper: without
 * it reads fall back to the database and the per-process copy, rate limits to the per-process
 * window, and nudges wait in the process for the sweepers; the web role still does its job, so
 * taking it out of rotation would turn a degraded service into no service at all (and every
 * instance shares the one Redis, so all would leave together).
 */
export async function checkReadiness(
  dependencies: Record<string, { probe: (() => Promise<void>) | undefined; required: boolean }>,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(dependencies).map(async ([name, dependency]) => {
      // In-process stand-ins (memory cache, in-process queue) have nothing to be down.
      const result: DependencyCheck = dependency.probe
        ? await check(dependency.probe, dependency.required)
        : { status: 'up', latency_ms: 0, required: dependency.required };
      return [name, result] as const;
    }),
  );
  const checks = Object.fromEntries(entries);
  const down = entries.filter(([, result]) => result.status === 'down');
  const status = down.some(([, result]) => result.required) ? 'unavailable' : down.length > 0 ? 'degraded' : 'ready';
  return { status, checks };
}
