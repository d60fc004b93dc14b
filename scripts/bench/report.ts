import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { ApiKeyBenchFigures } from './api-key-bench.js';
import type { BenchOptions } from './bench-options.js';
import type { BenchTarget } from './bench-targets.js';
import type { BotBenchFigures } from './bot-command-bench.js';
import {
  checkTargets,
  type EntitlementCheckFigures,
  type RouteFigures,
  type RunFigures,
} from './entitlement-check-bench.js';
import type { MachineLoad } from './machine-load.js';
import type { PageBenchFigures } from './page-bench.js';
import type { SignalFanoutFigures } from './signal-fanout-bench.js';
import type { SignalsApiBenchFigures } from './signals-api-bench.js';
import { ingestTargets, type WebhookIngestFigures } from './webhook-ingest-bench.js';

export interface TargetResult {
  target: BenchTarget;
  entitlementCheck?: EntitlementCheckFigures;
  webhookIngest?: WebhookIngestFigures;
  botCommands?: BotBenchFigures;
  apiKeys?: ApiKeyBenchFigures;
  signalFanout?: SignalFanoutFigures;
  signalsApi?: SignalsApiBenchFigures;
  pages?: PageBenchFigures;
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rate = (value: number) => whole.format(value);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const micros = (value: number) => `${value.toFixed(0)} us`;
const times = (value: number) => `${value.toFixed(2)}x`;
const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
const labelWidth = 35;
const label = (text: string) => text.padEnd(labelWidth);
const continuation = ' '.repeat(labelWidth);

export function formatEntitlementCheck(figures: EntitlementCheckFigures, options: BenchOptions): string {
  const { check, bare } = figures;
  return [
    `${label('entitlement check (warm, http)')}check ${rate(check.requestsPerSecond)} req/s p99 ${ms(check.p99Ms)}` +
      ` | bare ${rate(bare.requestsPerSecond)} req/s p99 ${ms(bare.p99Ms)}` +
      ` | ratio ${times(figures.ratio)} (target >= ${times(checkTargets.minRatio)}, p99 <= ${checkTargets.maxP99Ms} ms)` +
      ` ${verdict(figures.met)}`,
    `${continuation}p99 above: ${options.latencyConnections} connections (p50 check ${ms(check.p50Ms)},` +
      ` bare ${ms(bare.p50Ms)}); p99 when saturated by ${options.connections} connections:` +
      ` check ${ms(check.saturatedP99Ms)}, bare ${ms(bare.saturatedP99Ms)}`,
    `${continuation}server CPU per request: check ${micros(check.serverCpuMicrosPerRequest)},` +
      ` bare ${micros(bare.serverCpuMicrosPerRequest)} (ratio ${times(figures.cpuRatio)}; steadier when the machine is busy)`,
    ...(bare.p99Ms > checkTargets.maxP99Ms
      ? [
          `${continuation}the bare route's own p99 is over ${checkTargets.maxP99Ms} ms: the latency tail is the machine's here`,
        ]
      : []),
  ].join('\n');
}

export function formatWebhookIngest(figures: WebhookIngestFigures): string {
  return (
    `${label('webhook ingest (verify+store+ack)')}${rate(figures.eventsPerSecond)} ev/s` +
    ` | raw insert ${rate(figures.rawRowsPerSecond)} rows/s` +
    ` | ratio ${times(figures.ratio)} (target >= ${times(ingestTargets.minRatio)}) ${verdict(figures.met)}`
  );
}

export function formatTargetHeading(target: BenchTarget): string {
  return `[${target.name}: ${target.description}]`;
}

export function formatSettings(options: BenchOptions): string {
  return (
    `http: ${options.warmupSeconds} s warm-up per route, ${options.rounds * 2} x ${options.durationSeconds} s runs` +
    ` (alternating), ${options.connections} connections, medians; latency: 4 x ${options.latencySeconds} s runs` +
    ` at ${options.latencyConnections} connections` +
    ` | ingest: ${options.ingestEvents} events vs ${options.ingestEvents} inserts, ${options.ingestConcurrency} in flight`
  );
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

const runJson = (run: RunFigures) => ({
  requests_per_second: round(run.requestsPerSecond, 1),
  p50_ms: round(run.p50Ms),
  p99_ms: round(run.p99Ms),
  server_cpu_us_per_request: round(run.serverCpuMicrosPerRequest, 1),
  requests: run.requests,
});

const routeJson = (figures: RouteFigures) => ({
  requests_per_second: round(figures.requestsPerSecond, 1),
  p50_ms: round(figures.p50Ms),
  p99_ms: round(figures.p99Ms),
  saturated_p99_ms: round(figures.saturatedP99Ms),
  server_cpu_us_per_request: round(figures.serverCpuMicrosPerRequest, 1),
  throughput_runs: figures.runs.map(runJson),
  latency_runs: figures.latencyRuns.map(runJson),
});

/** The same figures as the table, for tooling and comparisons between runs. */
export function writeJsonReport(
  file: string,
  options: BenchOptions,
  results: TargetResult[],
  run: { elapsedMs: number; machineLoad: MachineLoad },
) {
  const report = {
    generated_at: new Date().toISOString(),
    elapsed_seconds: round(run.elapsedMs / 1000, 1),
    machine: {
      node: process.version,
      cpus: cpus().length,
      platform: `${process.platform}-${process.arch}`,
      load_average_before: round(run.machineLoad.loadAverageBefore, 2),
      load_average_after: round(run.machineLoad.loadAverageAfter, 2),
      steal_percent: run.machineLoad.stealPercent === undefined ? null : round(run.machineLoad.stealPercent, 1),
    },
    settings: {
      duration_seconds: options.durationSeconds,
      connections: options.connections,
      warmup_seconds: options.warmupSeconds,
      latency_seconds: options.latencySeconds,
      latency_connections: options.latencyConnections,
      rounds: options.rounds,
      ingest_events: options.ingestEvents,
      ingest_concurrency: options.ingestConcurrency,
    },
    targets: results.map(
      ({ target, entitlementCheck, webhookIngest, botCommands, apiKeys, signalFanout, signalsApi, pages }) => ({
        name: target.name,
        description: target.description,
        entitlement_check: entitlementCheck && {
          check: routeJson(entitlementCheck.check),
          bare: routeJson(entitlementCheck.bare),
          ratio: round(entitlementCheck.ratio),
          server_cpu_ratio: round(entitlementCheck.cpuRatio),
          target: { min_ratio: checkTargets.minRatio, max_p99_ms: checkTargets.maxP99Ms },
          met: entitlementCheck.met,
          report: formatEntitlementCheck(entitlementCheck, options).split('\n'),
        },
        webhook_ingest: webhookIngest && {
          events_per_second: round(webhookIngest.eventsPerSecond, 1),
          raw_insert_rows_per_second: round(webhookIngest.rawRowsPerSecond, 1),
          ratio: round(webhookIngest.ratio),
          events: webhookIngest.events,
          concurrency: webhookIngest.concurrency,
          target: { min_ratio: ingestTargets.minRatio },
          met: webhookIngest.met,
          report: formatWebhookIngest(webhookIngest),
        },
        // The newer benches' figures as measured; each prints its own verdicts.
        bot_commands: botCommands,
        api_keys: apiKeys,
        signal_fanout: signalFanout,
        signals_api: signalsApi,
        pages,
      }),
    ),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
