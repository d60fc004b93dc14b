import { z } from 'zod';

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
  .pipe(z.url().optional());

/**
 * The bench's own knobs, read once from BENCH_* variables (the app's settings still come from
 * core/config.ts; the bench builds that config itself so a stray .env cannot change the figures).
 */
const benchOptionsSchema = z.object({
  /** Length of one measured autocannon run per route. */
  BENCH_DURATION_SECONDS: positiveInteger(8),
  BENCH_CONNECTIONS: positiveInteger(32),
  /** Warm-up per route before any measured run (JIT, caches, connection setup). */
  BENCH_WARMUP_SECONDS: positiveInteger(3),
  /** Length of one latency run (two per route, see entitlement-check-bench.ts). */
  BENCH_LATENCY_SECONDS: positiveInteger(3),
  /** Connections of the latency runs: requests always in flight, without a long queue. */
  BENCH_LATENCY_CONNECTIONS: positiveInteger(4),
  /** Pairs of measured runs, alternating order (bare, check, check, bare, ...); the median is reported. */
  BENCH_ROUNDS: positiveInteger(2),
  /** Events ingested and rows inserted by the baseline: the same count for both. */
  BENCH_INGEST_EVENTS: positiveInteger(2000),
  /** Requests (or inserts) in flight at once; the same for ingest and its baseline. */
  BENCH_INGEST_CONCURRENCY: positiveInteger(8),
  /** A Postgres server: the benches also run on a fresh database there (dropped afterwards). */
  BENCH_DATABASE_URL: optionalUrl,
  /** With BENCH_DATABASE_URL: Redis for the cache and BullMQ queue of the Postgres run. */
  BENCH_REDIS_URL: optionalUrl,
  /** A directory: the HTTP server child runs with --cpu-prof and writes its profile there. */
  BENCH_CPU_PROFILE_DIR: z.string().min(1).optional(),
  /** Run only one bench: `check`, `ingest`, `bots`, `apikeys`, `signals` (fan-out), `signalsapi` (GET /v1/signals) or `pages`. */
  BENCH_ONLY: z.enum(['check', 'ingest', 'bots', 'apikeys', 'signals', 'signalsapi', 'pages']).optional(),
  /** Bot bench: members reconciled in the background while commands are timed. */
  BENCH_BOT_MEMBERS: positiveInteger(10_000),
  /** Bot bench: the Discord rate limit the fake API enforces and the bot is configured with. */
  BENCH_BOT_RATE_LIMIT: positiveInteger(50),
  /** Bot bench: timed commands per adapter, idle and under the reconcile. */
  BENCH_BOT_ITERATIONS: positiveInteger(200),
  /** Bot bench: how long the reconcile's request rate is measured. */
  BENCH_BOT_WINDOW_SECONDS: positiveInteger(20),
  /** Signal bench: members one signal fans out to, the fake platform's limit (msg/s), and the measured window. */
  BENCH_SIGNAL_RECIPIENTS: positiveInteger(100_000),
  BENCH_SIGNAL_RATE_LIMIT: positiveInteger(1000),
  BENCH_SIGNAL_WINDOW_SECONDS: positiveInteger(10),
});

export interface BenchOptions {
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
  latencySeconds: number;
  latencyConnections: number;
  rounds: number;
  ingestEvents: number;
  ingestConcurrency: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  cpuProfileDir: string | undefined;
  only: 'check' | 'ingest' | 'bots' | 'apikeys' | 'signals' | 'signalsapi' | 'pages' | undefined;
  bots: { members: number; rateLimit: number; iterations: number; windowSeconds: number };
  signals: { recipients: number; limit: number; windowSeconds: number };
}

export function readBenchOptions(environment: Record<string, string | undefined> = process.env): BenchOptions {
  const result = benchOptionsSchema.safeParse(environment);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid bench settings:\n${problems.join('\n')}`);
  }
  const parsed = result.data;
  return {
    durationSeconds: parsed.BENCH_DURATION_SECONDS,
    connections: parsed.BENCH_CONNECTIONS,
    warmupSeconds: parsed.BENCH_WARMUP_SECONDS,
    latencySeconds: parsed.BENCH_LATENCY_SECONDS,
    latencyConnections: parsed.BENCH_LATENCY_CONNECTIONS,
    rounds: parsed.BENCH_ROUNDS,
    ingestEvents: parsed.BENCH_INGEST_EVENTS,
    ingestConcurrency: parsed.BENCH_INGEST_CONCURRENCY,
    databaseUrl: parsed.BENCH_DATABASE_URL,
    redisUrl: parsed.BENCH_REDIS_URL,
    cpuProfileDir: parsed.BENCH_CPU_PROFILE_DIR,
    only: parsed.BENCH_ONLY,
    bots: {
      members: parsed.BENCH_BOT_MEMBERS,
      rateLimit: parsed.BENCH_BOT_RATE_LIMIT,
      iterations: parsed.BENCH_BOT_ITERATIONS,
      windowSeconds: parsed.BENCH_BOT_WINDOW_SECONDS,
    },
    signals: {
      recipients: parsed.BENCH_SIGNAL_RECIPIENTS,
      limit: parsed.BENCH_SIGNAL_RATE_LIMIT,
      windowSeconds: parsed.BENCH_SIGNAL_WINDOW_SECONDS,
    },
  };
}
